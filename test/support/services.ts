import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The shared services CI starts on 127.0.0.1 (see .ci/run). */
export const SHARED_PG = { host: '127.0.0.1', port: 5432, user: 'postgres' } as const;
export const SHARED_REDIS = { host: '127.0.0.1', port: 6379 } as const;

/**
 * The environment of a child process running the service (the real entry point) against the shared
 * PostgreSQL, in `databaseName`; `more` adds settings (the port, Valkey: `sharedValkeyEnv`, ...).
 */
export function sharedServiceEnv(databaseName: string, more: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    DB_HOST: SHARED_PG.host,
    DB_NAME: databaseName,
    ...more,
  };
}

/** The shared Valkey, under a key prefix of its own, for a child process's environment. */
export function sharedValkeyEnv(keyPrefix: string): NodeJS.ProcessEnv {
  return {
    REDIS_HOST: SHARED_REDIS.host,
    REDIS_PORT: String(SHARED_REDIS.port),
    REDIS_KEY_PREFIX: keyPrefix,
  };
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** Creates a database of its own for one test file; `drop()` removes it. */
export async function createTestDatabase(prefix = 'test'): Promise<{ name: string; drop(): Promise<void> }> {
  const name = uniqueName(prefix).toLowerCase();
  const admin = new Client({ ...SHARED_PG, database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    name,
    async drop() {
      const client = new Client({ ...SHARED_PG, database: 'postgres' });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
