#!/usr/bin/env bash
# Deploys the service to AWS (docs/runbooks.md). Safe to re-run: each step looks first and changes
# only what is not already in place.
#
#   scripts/deploy-aws.sh <secrets|build|infrastructure|ecs|full> [--dry-run] [--region R] [--env E] [--tag T]
#
#   secrets         creates github-api/github-tokens and github-api/ses (other envs: github-api/<env>/...)
#                   from GITHUB_TOKENS (comma-separated) and SES_FROM_EMAIL/SES_FROM_NAME/SES_REPLY_TO_EMAIL/
#                   SES_REGION; a missing one is created with a placeholder; a real value is never
#                   overwritten by a placeholder. (github-api/database and github-api/redis are made by
#                   the database and cache stacks, with generated passwords.)
#   build           deploys the registry stack, then builds the image and pushes it to ECR under an
#                   immutable tag (the git commit; --tag to choose), unless that tag is already there
#   infrastructure  deploys the network, database and cache stacks from infrastructure/templates/<env>/
#   ecs             snapshots the database, moves the one-off migrate task to the new image and runs it,
#                   then moves the api and worker services to it, waits for them to be stable, and
#                   prints how to roll back
#   full            secrets, build, infrastructure, ecs
#
# --dry-run runs the read-only calls (describe/get) and prints every change instead of making it.
# Needs: aws (CLI v2) with credentials, git, node, and docker or buildah (build only; BUILDER=buildah).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
die() { echo "deploy-aws: $*" >&2; exit 1; }
say() { printf '%s\n' "$*"; }
step() { printf '\n=== %s\n' "$*"; }

COMMAND=""
DRY_RUN=false
REGION="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
ENV_NAME=production
TAG=""
while [ $# -gt 0 ]; do
  case "$1" in
    secrets | build | infrastructure | ecs | full) COMMAND=$1 ;;
    --dry-run) DRY_RUN=true ;;
    --region) REGION=${2:?--region needs a value}; shift ;;
    --region=*) REGION=${1#*=} ;;
    --env) ENV_NAME=${2:?--env needs a value}; shift ;;
    --env=*) ENV_NAME=${1#*=} ;;
    --tag) TAG=${2:?--tag needs a value}; shift ;;
    --tag=*) TAG=${1#*=} ;;
    -h | --help) usage 0 ;;
    *) echo "deploy-aws: unknown argument: $1" >&2; usage 2 ;;
  esac
  shift
done
[ -n "$COMMAND" ] || usage 2
[[ "$ENV_NAME" =~ ^[a-z][a-z0-9-]{0,20}$ ]] || die "--env must be lower-case letters, digits and dashes (got '$ENV_NAME')"

# Names shared with infrastructure/lib/settings.ts.
PREFIX="github-insights-$ENV_NAME"
secret_name() { if [ "$ENV_NAME" = production ]; then echo "github-api/$1"; else echo "github-api/$ENV_NAME/$1"; fi; }
stack_name() { echo "$PREFIX-$1"; }
TEMPLATES="infrastructure/templates/$ENV_NAME"

# ---- preflight: fail early, before anything changes -----------------------------------------
need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found on PATH: $2"; }
need aws "install the AWS CLI v2 (https://docs.aws.amazon.com/cli/)"
need node "install Node.js 20 or later"
[ -n "$REGION" ] || die "no region: pass --region or set AWS_REGION"
export AWS_REGION="$REGION" AWS_DEFAULT_REGION="$REGION" AWS_PAGER=""
case "$COMMAND" in
  build | full)
    need git "install git (the image tag is the commit)"
    if [ -z "${BUILDER:-}" ]; then
      if command -v docker >/dev/null 2>&1; then BUILDER=docker
      elif command -v buildah >/dev/null 2>&1; then BUILDER=buildah
      else die "neither docker nor buildah found on PATH: install one to build the image"; fi
    fi
    need "$BUILDER" "install $BUILDER or set BUILDER"
    ;;
esac
case "$COMMAND" in
  infrastructure | ecs | full)
    [ -d "$TEMPLATES" ] || die "no templates for env '$ENV_NAME' in $TEMPLATES: add it to infrastructure/lib/settings.ts and run npm run infra:synth"
    ;;
esac
if ! identity=$(aws sts get-caller-identity --output json 2>&1); then
  die "AWS credentials are missing or invalid (aws sts get-caller-identity failed): ${identity##*$'\n'}"
fi
ACCOUNT=$(node -e 'process.stdout.write(JSON.parse(process.argv[1]).Account)' "$identity")
say "account $ACCOUNT, region $REGION, env $ENV_NAME$($DRY_RUN && echo ', dry run: nothing will change')"

# Runs a command that changes something, or only prints it in a dry run (to the terminal, even
# where the command's own output is discarded).
exec 3>&1
change() {
  if $DRY_RUN; then say "[dry-run] $*" >&3; else "$@"; fi
}
# A field of JSON on stdin, by a JavaScript expression over `j`; empty when absent.
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{let v;try{const j=JSON.parse(s);v=eval(process.argv[1])}catch{}if(v!==undefined&&v!==null)process.stdout.write(String(v))})' "$1"; }
stack_json() { aws cloudformation describe-stacks --stack-name "$1" --output json 2>/dev/null || true; }
output_of() { stack_json "$1" | json "j.Stacks[0].Outputs.find(o=>o.OutputKey==='$2').OutputValue"; }
param_of() { stack_json "$1" | json "j.Stacks[0].Parameters.find(p=>p.ParameterKey==='$2').ParameterValue"; }

image_tag() {
  if [ -n "$TAG" ]; then echo "$TAG"; return; fi
  [ -z "$(git status --porcelain --untracked-files=no)" ] ||
    die "the work tree has uncommitted changes: commit them or pass --tag (tags are immutable: one per build)"
  git rev-parse --short=12 HEAD
}

deploy_stack() { # name [Key=Value ...]
  local name=$1; shift
  local template="$TEMPLATES/$(stack_name "$name").template.json"
  [ -f "$template" ] || die "missing $template: run npm run infra:synth"
  local args=(cloudformation deploy --stack-name "$(stack_name "$name")" --template-file "$template"
    --capabilities CAPABILITY_IAM CAPABILITY_NAMED_IAM CAPABILITY_AUTO_EXPAND --no-fail-on-empty-changeset
    --tags app=github-insights "environment=$ENV_NAME")
  [ $# -gt 0 ] && args+=(--parameter-overrides "$@")
  change aws "${args[@]}"
}

# ---- secrets ---------------------------------------------------------------------------------
put_secret() { # name value-or-empty placeholder
  local name=$1 value=$2 placeholder=$3 current
  if ! aws secretsmanager describe-secret --secret-id "$name" --output json >/dev/null 2>&1; then
    if [ -n "$value" ]; then
      change aws secretsmanager create-secret --name "$name" --secret-string "$value" \
        --description "github-insights $ENV_NAME" --output json >/dev/null
      say "$name: created"
    else
      change aws secretsmanager create-secret --name "$name" --secret-string "$placeholder" \
        --description "github-insights $ENV_NAME (placeholder: put the real value)" --output json >/dev/null
      say "$name: created with a placeholder; put the real value (docs/runbooks.md, rotate secrets)"
    fi
    return
  fi
  if [ -z "$value" ]; then
    say "$name: exists; left as it is (no new value given)"
    return
  fi
  current=$(aws secretsmanager get-secret-value --secret-id "$name" --output json | json 'j.SecretString')
  if [ "$current" = "$value" ]; then
    say "$name: unchanged"
  else
    change aws secretsmanager put-secret-value --secret-id "$name" --secret-string "$value" --output json >/dev/null
    say "$name: new version put (AWSCURRENT)"
  fi
}

do_secrets() {
  step "secrets"
  local tokens="" ses=""
  if [ -n "${GITHUB_TOKENS:-}" ]; then
    tokens=$(node -e 'process.stdout.write(JSON.stringify({tokens: process.argv[1].split(",").map(s=>s.trim()).filter(Boolean)}))' "$GITHUB_TOKENS")
  fi
  if [ -n "${SES_FROM_EMAIL:-}" ]; then
    ses=$(node -e 'const [region,fromEmail,fromName,replyToEmail]=process.argv.slice(1);process.stdout.write(JSON.stringify({region,fromEmail,fromName,replyToEmail}))' \
      "${SES_REGION:-$REGION}" "$SES_FROM_EMAIL" "${SES_FROM_NAME:-GitHub Insights}" "${SES_REPLY_TO_EMAIL:-$SES_FROM_EMAIL}")
  fi
  put_secret "$(secret_name github-tokens)" "$tokens" '{"tokens":[]}'
  put_secret "$(secret_name ses)" "$ses" "{\"region\":\"$REGION\",\"fromEmail\":\"change-me@example.com\",\"fromName\":\"GitHub Insights\",\"replyToEmail\":\"change-me@example.com\"}"
  say "$(secret_name database) and $(secret_name redis) are made by the database and cache stacks"
}

# ---- build -----------------------------------------------------------------------------------
do_build() {
  step "build"
  local tag repo uri registry
  tag=$(image_tag)
  deploy_stack registry
  uri=$(output_of "$(stack_name registry)" RepositoryUri)
  repo=$(output_of "$(stack_name registry)" RepositoryName)
  if [ -z "$uri" ]; then
    $DRY_RUN || die "the registry stack has no RepositoryUri output"
    uri="$ACCOUNT.dkr.ecr.$REGION.amazonaws.com/github-insights-api-$ENV_NAME"; repo="github-insights-api-$ENV_NAME"
  fi
  if aws ecr describe-images --repository-name "$repo" --image-ids "imageTag=$tag" --output json >/dev/null 2>&1; then
    say "image $uri:$tag is already in ECR: not built again"
    return
  fi
  registry=${uri%%/*}
  if $DRY_RUN; then
    say "[dry-run] aws ecr get-login-password | $BUILDER login --username AWS --password-stdin $registry"
  else
    aws ecr get-login-password | "$BUILDER" login --username AWS --password-stdin "$registry"
  fi
  if [ "$BUILDER" = buildah ]; then
    change buildah bud --isolation chroot -f Dockerfile -t "$uri:$tag" .
    change buildah push "$uri:$tag"
  else
    change "$BUILDER" build -t "$uri:$tag" .
    change "$BUILDER" push "$uri:$tag"
  fi
  $DRY_RUN || say "pushed $uri:$tag"
}

# ---- infrastructure --------------------------------------------------------------------------
do_infrastructure() {
  step "infrastructure (network, database, cache)"
  deploy_stack network
  deploy_stack database
  deploy_stack cache
}

# ---- ecs -------------------------------------------------------------------------------------
do_ecs() {
  step "ecs"
  local tag service cluster current current_migrate db snapshot task exit_code
  tag=$(image_tag)
  service=$(stack_name service)
  local repo
  repo=$(output_of "$(stack_name registry)" RepositoryName)
  if ! $DRY_RUN || [ -n "$repo" ]; then
    aws ecr describe-images --repository-name "${repo:-github-insights-api-$ENV_NAME}" --image-ids "imageTag=$tag" --output json >/dev/null 2>&1 ||
      { $DRY_RUN && say "[dry-run] image $tag is not in ECR yet (build would push it)"; } ||
      die "image tag $tag is not in ECR: run scripts/deploy-aws.sh build first"
  fi
  current=$(param_of "$service" ImageTag)
  current_migrate=$(param_of "$service" MigrateImageTag)
  if [ "$current" = "$tag" ] && [ "$current_migrate" = "$tag" ]; then
    say "api and worker already run $tag: nothing to deploy"
    print_rollback "$(output_of "$service" ClusterName)" "" ""
    return
  fi
  local previous_api="" previous_worker=""
  if [ -n "$current" ]; then
    cluster=$(output_of "$service" ClusterName)
    read -r previous_api previous_worker < <(aws ecs describe-services --cluster "$cluster" --services api worker --output json |
      json 'j.services.map(s=>s.taskDefinition).join(" ")') || true # no newline: read reports EOF
    # A snapshot before migrations change the schema (kept until deleted by hand).
    db=$(output_of "$(stack_name database)" DatabaseInstanceId)
    snapshot="$PREFIX-before-$tag"
    if aws rds describe-db-snapshots --db-snapshot-identifier "$snapshot" --output json >/dev/null 2>&1; then
      say "snapshot $snapshot exists"
    else
      change aws rds create-db-snapshot --db-instance-identifier "$db" --db-snapshot-identifier "$snapshot" --output json >/dev/null
      change aws rds wait db-snapshot-available --db-snapshot-identifier "$snapshot"
    fi
    # Phase 1: only the one-off migrate task moves to the new image.
    deploy_stack service "ImageTag=$current" "MigrateImageTag=$tag"
  else
    # First deployment: everything starts on the new image; migrations run right after.
    deploy_stack service "ImageTag=$tag" "MigrateImageTag=$tag"
  fi
  cluster=$(output_of "$service" ClusterName)
  cluster=${cluster:-$PREFIX}
  run_migrations "$cluster"
  # Phase 2: the services move to the new image (new task definition revisions), then settle.
  [ -n "$current" ] && deploy_stack service "ImageTag=$tag" "MigrateImageTag=$tag"
  change aws ecs wait services-stable --cluster "$cluster" --services api worker
  say "api and worker run $tag"
  print_rollback "$cluster" "$current" "$previous_api $previous_worker" "${snapshot:-}"
}

run_migrations() {
  local cluster=$1 task_definition subnets group task exit_code
  task_definition=$(output_of "$(stack_name service)" MigrateTaskDefinition)
  subnets=$(output_of "$(stack_name network)" AppSubnetIds)
  group=$(output_of "$(stack_name network)" AppSecurityGroupId)
  if $DRY_RUN; then
    say "[dry-run] aws ecs run-task --cluster $cluster --task-definition ${task_definition:-$PREFIX-migrate} (node dist/src/main.js migrate), then wait for it and check its exit code"
    return
  fi
  task=$(aws ecs run-task --cluster "$cluster" --task-definition "$task_definition" --launch-type FARGATE --count 1 \
    --network-configuration "awsvpcConfiguration={subnets=[$subnets],securityGroups=[$group],assignPublicIp=DISABLED}" \
    --output json | json 'j.tasks[0].taskArn')
  [ -n "$task" ] || die "the migrate task did not start (aws ecs run-task returned no task)"
  aws ecs wait tasks-stopped --cluster "$cluster" --tasks "$task"
  exit_code=$(aws ecs describe-tasks --cluster "$cluster" --tasks "$task" --output json | json 'j.tasks[0].containers[0].exitCode')
  [ "$exit_code" = 0 ] || die "migrations failed (exit code ${exit_code:-unknown}); nothing else changed. Logs: aws logs tail /ecs/$PREFIX/migrate --since 1h"
  say "migrations applied ($task)"
}

print_rollback() { # cluster previous-tag "previous task definitions" snapshot
  local cluster=$1 previous=$2 definitions=${3:-} snapshot=${4:-}
  step "how to roll back"
  if [ -n "$previous" ]; then
    say "previous image tag: $previous; previous task definitions: $definitions"
    say "  scripts/deploy-aws.sh ecs --env $ENV_NAME --region $REGION --tag $previous"
    say "  or at once: aws ecs update-service --cluster $cluster --service api --task-definition ${definitions%% *}"
    say "              aws ecs update-service --cluster $cluster --service worker --task-definition ${definitions##* }"
  else
    say "  redeploy an earlier tag: scripts/deploy-aws.sh ecs --env $ENV_NAME --region $REGION --tag <tag>"
  fi
  if [ -n "$snapshot" ]; then
    say "database as it was before this deployment's migrations: snapshot $snapshot"
    say "  aws rds restore-db-instance-from-db-snapshot --db-snapshot-identifier $snapshot --db-instance-identifier $PREFIX-restored ..."
  fi
  say "details: docs/runbooks.md (roll back)"
}

case "$COMMAND" in
  secrets) do_secrets ;;
  build) do_build ;;
  infrastructure) do_infrastructure ;;
  ecs) do_ecs ;;
  full) do_secrets; do_build; do_infrastructure; do_ecs ;;
esac
say ""
say "done: $COMMAND$($DRY_RUN && echo ' (dry run: nothing changed)')"
