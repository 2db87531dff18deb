import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * scripts/deploy-aws.sh against stand-in `aws` and `docker` executables on PATH
 * (test/support/aws-cli-standin) that keep state between runs and record every call: the order of
 * a full deployment as docs/runbooks.md documents it, dry runs that change nothing, a second run
 * that changes nothing, secrets never overwritten by placeholders, and early, clear failures.
 */
const ROOT = resolve(__dirname, '../..');
const STANDIN = join(ROOT, 'test/support/aws-cli-standin');
const SYSTEM_PATH = `${dirname(process.execPath)}:/usr/bin:/bin`;

interface Call {
  readonly tool: 'aws' | 'docker';
  readonly args: string[];
  readonly changed: boolean;
  readonly exitCode: number;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'deploy-aws-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function deploy(args: string[], env: Record<string, string> = {}, path = `${STANDIN}:${SYSTEM_PATH}`) {
  writeFileSync(join(dir, 'calls.jsonl'), '');
  const result = spawnSync('bash', [join(ROOT, 'scripts/deploy-aws.sh'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      PATH: path,
      HOME: dir,
      AWS_ACCESS_KEY_ID: 'AKIASTANDIN',
      AWS_SECRET_ACCESS_KEY: 'standin',
      AWS_STANDIN_STATE: join(dir, 'state.json'),
      AWS_STANDIN_LOG: join(dir, 'calls.jsonl'),
      ...env,
    },
  });
  const calls = readFileSync(join(dir, 'calls.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Call);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
}

/** What a call did, as docs/runbooks.md lists it: the tool, its command, and what it names. */
function summary(call: Call): string {
  const { tool, args } = call;
  const named = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  if (tool === 'docker') return `docker ${args[0]}`;
  const command = `${args[0]} ${args[1]}`;
  if (command === 'cloudformation deploy') {
    const overrides = args.slice(args.indexOf('--parameter-overrides') + 1).filter((a) => a.includes('Tag='));
    return [
      `${command} ${named('--stack-name')}`,
      ...(args.includes('--parameter-overrides') ? overrides : []),
    ].join(' ');
  }
  if (args[0] === 'secretsmanager') return `${command} ${named('--name') ?? named('--secret-id')}`;
  if (args[1] === 'wait') return `${command} ${args[2]}`;
  return command;
}

/** The calls that changed something (and the waits and logins that go with them). */
function changes(calls: readonly Call[]): string[] {
  return calls.filter((c) => c.changed || c.tool === 'docker' || c.args[1] === 'wait').map(summary);
}

/** The documented sequences: fenced `deploy-order:<name>` blocks in docs/runbooks.md. */
function documented(name: string): string[] {
  const text = readFileSync(join(ROOT, 'docs/runbooks.md'), 'utf8');
  const block = new RegExp('```text deploy-order:' + name + '\\n([\\s\\S]*?)```').exec(text);
  if (!block) throw new Error(`docs/runbooks.md has no deploy-order:${name} block`);
  return block[1]!
    .split('\n')
    .map((l) => l.replace(/^\d+\.\s*/, '').trim())
    .filter(Boolean);
}

const SECRETS = {
  GITHUB_TOKENS: 'ghp_deploytesttoken1,ghp_deploytesttoken2',
  SES_FROM_EMAIL: 'insights@example.com',
};
const full = (tag: string, extra: string[] = []) => ['full', '--region', 'eu-west-1', '--tag', tag, ...extra];

describe('deploy-aws.sh', () => {
  it('deploys a fresh environment in the documented order', () => {
    const run = deploy(full('v1'), SECRETS);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(changes(run.calls)).toEqual(documented('fresh'));
    expect(run.calls.every((c) => c.exitCode === 0 || !c.changed)).toBe(true);
    expect(run.stdout).toMatch(/api and worker run v1/);
    expect(run.stdout).toMatch(/how to roll back/);
    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
    expect(JSON.parse(state.secrets['github-api/github-tokens'].value)).toEqual({
      tokens: ['ghp_deploytesttoken1', 'ghp_deploytesttoken2'],
    });
    // Secret values travel as arguments to the CLI only, never to the output.
    expect(run.stdout).not.toContain('ghp_deploytesttoken1');
  });

  it('changes nothing on a second run, and nothing in a dry run', () => {
    deploy(full('v1'), SECRETS);
    const again = deploy(full('v1'), SECRETS);
    expect(again.status).toBe(0);
    expect(again.calls.filter((c) => c.changed).map(summary)).toEqual([]);
    expect(again.calls.some((c) => c.tool === 'docker')).toBe(false);
    expect(again.stdout).toMatch(/already in ECR: not built again/);
    expect(again.stdout).toMatch(/api and worker already run v1: nothing to deploy/);

    const dry = deploy(full('v2', ['--dry-run']), SECRETS);
    expect(dry.status).toBe(0);
    expect(dry.calls.filter((c) => c.changed)).toEqual([]);
    expect(dry.calls.some((c) => c.tool === 'docker')).toBe(false);
    expect(dry.stdout).toMatch(
      /\[dry-run\] docker build -t 123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/github-insights-api-production:v2/,
    );
    expect(dry.stdout).toMatch(/\[dry-run\] aws rds create-db-snapshot/);
    expect(dry.stdout).toMatch(/\[dry-run\] aws ecs run-task/);
  });

  it('dry-runs a fresh environment without changing anything', () => {
    const dry = deploy(full('v1', ['--dry-run']), SECRETS);
    expect(dry.status).toBe(0);
    expect(dry.calls.filter((c) => c.changed)).toEqual([]);
    expect(dry.stdout).toMatch(
      /\[dry-run\] aws secretsmanager create-secret --name github-api\/github-tokens/,
    );
    expect(dry.stdout).toMatch(
      /\[dry-run\] aws cloudformation deploy --stack-name github-insights-production-network/,
    );
    expect(dry.stdout).toMatch(/done: full \(dry run: nothing changed\)/);
  });

  it('moves an existing environment to a new image: snapshot, migrate, then the services', () => {
    deploy(full('v1'), SECRETS);
    const update = deploy(full('v2'), SECRETS);
    expect(update.status).toBe(0);
    expect(changes(update.calls)).toEqual(documented('update'));
    expect(update.stdout).toMatch(/previous image tag: v1/);
    expect(update.stdout).toMatch(/github-insights-production-api:1/); // the previous task definition
    expect(update.stdout).toMatch(/snapshot github-insights-production-before-v2/);
  });

  it('stops before the services move when migrations fail', () => {
    deploy(full('v1'), SECRETS);
    const failed = deploy(full('v2'), { ...SECRETS, AWS_STANDIN_MIGRATE_EXIT: '1' });
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toMatch(/migrations failed \(exit code 1\); nothing else changed/);
    const deploys = failed.calls.filter((c) => c.changed && c.args[1] === 'deploy').map(summary);
    expect(deploys).toEqual([
      'cloudformation deploy github-insights-production-service ImageTag=v1 MigrateImageTag=v2',
    ]);
  });

  it('never overwrites a real secret with a placeholder, and updates it when given a new value', () => {
    deploy(['secrets', '--region', 'eu-west-1'], SECRETS);
    const without = deploy(['secrets', '--region', 'eu-west-1']);
    expect(without.status).toBe(0);
    expect(without.calls.filter((c) => c.changed)).toEqual([]);
    expect(without.stdout).toMatch(/github-api\/github-tokens: exists; left as it is/);
    const rotated = deploy(['secrets', '--region', 'eu-west-1'], { GITHUB_TOKENS: 'ghp_rotatedtoken3' });
    expect(rotated.calls.filter((c) => c.changed).map(summary)).toEqual([
      'secretsmanager put-secret-value github-api/github-tokens',
    ]);
  });

  it('names secrets and stacks by environment', () => {
    const run = deploy(['secrets', '--region', 'eu-west-1', '--env', 'staging'], SECRETS);
    expect(run.calls.filter((c) => c.changed).map(summary)).toEqual([
      'secretsmanager create-secret github-api/staging/github-tokens',
      'secretsmanager create-secret github-api/staging/ses',
    ]);
    const unknown = deploy(['infrastructure', '--region', 'eu-west-1', '--env', 'qa']);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toMatch(/no templates for env 'qa'/);
  });

  it('fails early with a clear message when a tool, the region or credentials are missing', () => {
    const noAws = deploy(['secrets', '--region', 'eu-west-1'], {}, SYSTEM_PATH);
    expect(noAws.status).not.toBe(0);
    expect(noAws.stderr).toMatch(/aws not found on PATH: install the AWS CLI v2/);

    const noRegion = deploy(['secrets']);
    expect(noRegion.stderr).toMatch(/no region: pass --region or set AWS_REGION/);

    const noCredentials = deploy(['full', '--region', 'eu-west-1', '--tag', 'v1'], {
      AWS_STANDIN_NO_CREDENTIALS: '1',
    });
    expect(noCredentials.status).not.toBe(0);
    expect(noCredentials.stderr).toMatch(
      /AWS credentials are missing or invalid .*Unable to locate credentials/,
    );
    expect(noCredentials.calls.filter((c) => c.changed)).toEqual([]);

    const bad = deploy(['launch']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown argument: launch/);
  });
});
