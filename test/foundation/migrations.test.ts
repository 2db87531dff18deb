import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrateCommand, type MigrateAction } from '../../src/cli/migrate.command';
import { loadConfig } from '../../src/config/load-config';
import type { Config } from '../../src/config/config';
import { LogCapture } from '../support/app-harness';
import { createTestDatabase, SHARED_PG } from '../support/services';

let database: { name: string; drop(): Promise<void> };
let config: Config;

async function migrate(action: MigrateAction): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runMigrateCommand(config, new LogCapture('warn').logger, action, undefined, (l) =>
    lines.push(l),
  );
  return { code, lines };
}

beforeAll(async () => {
  database = await createTestDatabase('migrations');
  ({ config } = await loadConfig({
    env: {
      NODE_ENV: 'test',
      DB_HOST: SHARED_PG.host,
      DB_PORT: String(SHARED_PG.port),
      DB_NAME: database.name,
    },
  }));
});
afterAll(() => database?.drop());

describe('migrations', () => {
  it('lists pending, applies up, lists applied, matches the entities, reverts down', async () => {
    const before = await migrate('status');
    expect(before.code).toBe(0);
    const pendingCount = before.lines.filter((l) => l.startsWith('pending')).length;
    expect(pendingCount).toBeGreaterThan(0);
    expect(before.lines.at(-1)).toBe(`0 applied, ${pendingCount} pending`);

    const up = await migrate('up');
    expect(up.lines[0]).toMatch(/^applied: Migration\d{14}/);

    const after = await migrate('status');
    expect(after.lines.at(-1)).toBe(`${pendingCount} applied, 0 pending`);

    const again = await migrate('up');
    expect(again.lines).toEqual(['no pending migrations']);

    const check = await migrate('check');
    expect(check).toEqual({ code: 0, lines: ['migrations match the entities'] });

    const down = await migrate('down');
    expect(down.lines[0]).toMatch(/^reverted: Migration\d{14}/);
    const afterDown = await migrate('status');
    expect(afterDown.lines.at(-1)).toBe(`${pendingCount - 1} applied, 1 pending`);
  });

  it('runs through the npm script entry point (`main migrate --status`)', async () => {
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'src/main.ts', 'migrate', '--status'], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        DB_HOST: SHARED_PG.host,
        DB_NAME: database.name,
      },
    });
    expect(stdout).toMatch(/\d+ applied, \d+ pending/);
  });
});
