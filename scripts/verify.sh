#!/usr/bin/env bash
# The whole test suite, as CI runs it (`npm run verify`; `.ci/run` calls this script):
# install, make sure PostgreSQL, Redis and MariaDB are up on 127.0.0.1, lint, typecheck, migration check,
# schema, codegen and infrastructure drift checks, the read-path benchmark in its quick form, the container image, Chromium for the browser tests, then every test
# (Vitest builds the browser pages first: npm run build:web). Ends with one line: `N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s\n' "$*"; }
fail() { printf '\nverify: %s\n' "$*" >&2; echo "0 passed, 1 failed"; exit 1; }

# Nothing downloads a browser: the browser tests drive Debian's Chromium (installed below).
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

step "install"
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund || fail "npm ci failed"; else npm install --no-audit --no-fund || fail "npm install failed"; fi

step "services"
bash scripts/ensure-services.sh || fail "PostgreSQL, Redis or MariaDB could not be started"

step "lint"
npm run --silent lint || fail "lint failed"

step "typecheck"
npm run --silent typecheck || fail "typecheck failed"

step "migrations match the entities"
check_db="migration_check_$$"
psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $check_db" || fail "cannot create $check_db"
DB_HOST=127.0.0.1 DB_NAME=$check_db LOG_LEVEL=warn NODE_ENV=test npm run --silent migrate:check
migration_status=$?
psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $check_db WITH (FORCE)" >/dev/null
[ $migration_status -eq 0 ] || fail "migrations and entities disagree"

step "schema/schema.graphql matches the code"
npm run --silent schema:check || fail "schema drift"

step "generated documents match schema and operations"
npx graphql-codegen --config codegen.ts --check >/dev/null || fail "codegen drift: run npm run codegen"

step "infrastructure/templates match the CDK app (cdk-nag AwsSolutions checks run in synthesis)"
npm run --silent infra:check || fail "infrastructure drift or cdk-nag findings: run npm run infra:synth"

step "read-path benchmark harness (npm run bench:quick: a few seconds per scenario, so it never rots; figures only)"
npm run --silent bench:quick || fail "the read-path benchmark harness failed"

step "container image: buildah builds the Dockerfile and the image serves health 200 (npm run test:image)"
if ! command -v buildah >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq buildah debootstrap) >/dev/null ||
    fail "buildah and debootstrap could not be installed (apt-get install buildah debootstrap)"
fi
npm run --silent test:image || fail "the container image did not build or run (scripts/build-image.sh)"

step "browser: Debian's Chromium for the browser tests (test/web/, docs/web.md)"
if [ ! -x /usr/bin/chromium ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null ||
    fail "chromium could not be installed (apt-get install chromium)"
fi

step "tests"
report=$(mktemp)
npx vitest run --reporter=default --reporter=json --outputFile.json="$report"
vitest_status=$?
counts=$(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const failedFiles = r.testResults.filter((f) => f.status === "failed" && f.assertionResults.every((a) => a.status !== "failed")).length;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests + failedFiles} failed` + (r.numPendingTests + r.numTodoTests ? `, ${r.numPendingTests + r.numTodoTests} skipped` : ""));
' "$report" 2>/dev/null)
rm -f "$report"
[ -n "$counts" ] || counts="0 passed, 1 failed"
if [ $vitest_status -ne 0 ] && [[ "$counts" == *" 0 failed"* ]]; then counts="${counts/ 0 failed/ 1 failed}"; fi
echo
echo "$counts"
exit $vitest_status
