import { PassThrough } from 'node:stream';
import { Client } from 'pg';
import { runImportMysqlCommand } from '../../src/cli/import-mysql.command';
import { loadConfig, type RawEnv } from '../../src/config/load-config';
import { appEntities } from '../../src/app';
import { openDatabase } from '../../src/platform/database/database';
import { migrateUp } from '../../src/platform/database/migrations';
import { LogCapture } from './app-harness';
import { createTestDatabase, SHARED_PG } from './services';

export interface TargetDatabase {
  readonly name: string;
  /** The DB_* settings of this database (what the command reads). */
  readonly env: RawEnv;
  query<T extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/** A PostgreSQL database of its own, migrated with the project's migrations, as the import's target. */
export async function createTargetDatabase(prefix: string): Promise<TargetDatabase> {
  const database = await createTestDatabase(prefix);
  const env: RawEnv = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DB_HOST: SHARED_PG.host,
    DB_PORT: String(SHARED_PG.port),
    DB_USER: SHARED_PG.user,
    DB_NAME: database.name,
    GITHUB_TOKENS: 'ghp_testtoken000000000000000000000000000',
  };
  const { config } = await loadConfig({ env });
  const logs = new LogCapture('warn');
  const migrator = await openDatabase(config, appEntities(), logs.logger);
  await migrateUp(migrator.orm).finally(() => migrator.close());
  const client = new Client({ ...SHARED_PG, database: database.name });
  await client.connect();
  return {
    name: database.name,
    env,
    async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []) {
      return (await client.query<T>(sql, params)).rows;
    },
    async drop() {
      await client.end();
      await database.drop();
    },
  };
}

export interface ImportRun {
  readonly code: number;
  /** Everything the command printed (results, progress, errors) and logged. */
  readonly output: string;
}

/** Runs `import:mysql` in this process against `target` (plain progress lines, as in a pipe). */
export async function runImport(target: TargetDatabase, args: readonly string[]): Promise<ImportRun> {
  const { config } = await loadConfig({ env: target.env });
  const logs = new LogCapture('info');
  let output = '';
  const progress = new PassThrough();
  progress.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const code = await runImportMysqlCommand(config, logs.logger, args, {
    out: (line) => (output += `${line}\n`),
    err: (line) => (output += `${line}\n`),
    progress,
    tty: false,
    cwd: process.cwd(),
    env: {},
  });
  return { code, output: `${output}${logs.text()}` };
}
