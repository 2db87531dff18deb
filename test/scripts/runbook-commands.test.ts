import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedDatabase, type MigratedDatabase } from '../support/migrated-database';
import { SHARED_PG, SHARED_REDIS } from '../support/services';

/**
 * docs/runbooks.md's troubleshooting commands, run as written against this machine's PostgreSQL
 * and Redis, and every AWS name the runbook uses found in the synthesized templates (the AWS calls
 * themselves are exercised by test/scripts/deploy-aws.test.ts against the CLI stand-in).
 */
const ROOT = resolve(__dirname, '../..');
const RUNBOOK = readFileSync(join(ROOT, 'docs/runbooks.md'), 'utf8');
const TEMPLATES = join(ROOT, 'infrastructure/templates/production');
const templates = readdirSync(TEMPLATES)
  .map((f) => readFileSync(join(TEMPLATES, f), 'utf8'))
  .join('\n');

let db: MigratedDatabase;
beforeAll(async () => {
  db = await openMigratedDatabase('runbook');
});
afterAll(async () => db?.close());

/** Runs a command line from the runbook with `sh -c`, as an operator would paste it. */
function run(command: string, env: Record<string, string>) {
  expect(RUNBOOK).toContain(command);
  return spawnSync('sh', ['-c', command], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
}

describe('runbook commands', () => {
  it('npm run migrate -- --status lists applied and pending migrations', () => {
    const result = run('npm run migrate -- --status', {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DB_HOST: SHARED_PG.host,
      DB_PORT: String(SHARED_PG.port),
      DB_USER: SHARED_PG.user,
      DB_NAME: db.name,
    });
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/applied {2}Migration\d+_init/);
    expect(result.stdout).toMatch(/\d+ applied, 0 pending/);
  });

  it('the Valkey ping answers PONG, and says clearly when it cannot connect', () => {
    const ok = run('npx tsx scripts/valkey-ping.ts', {
      REDIS_HOST: SHARED_REDIS.host,
      REDIS_PORT: String(SHARED_REDIS.port),
    });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^127\.0\.0\.1:6379: PONG, server \d+\.\d+/);
    const refused = run('npx tsx scripts/valkey-ping.ts', { REDIS_HOST: '127.0.0.1', REDIS_PORT: '1' });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/127\.0\.0\.1:1: .*ECONNREFUSED/);
  });

  it('names only what the templates create', () => {
    for (const name of [
      '/ecs/github-insights-production/api',
      '/ecs/github-insights-production/worker',
      'github-api/database',
      'github-api/redis',
      '"github-insights-production"', // the cluster
      'github-insights-production-api', // task definition family
      'github-insights-production-migrate',
      'github-insights-api-production', // the repository
    ]) {
      expect(templates, name).toContain(name);
      expect(RUNBOOK, name).toContain(name.replaceAll('"', ''));
    }
    // The alert filter the runbook tails with is the one the alarm counts.
    expect(templates).toContain('{ $.alert IS TRUE }');
    expect(RUNBOOK).toContain(`--filter-pattern '{ $.alert IS TRUE }'`);
  });
});
