import { existsSync, readFileSync } from 'node:fs';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probePort } from '../support/free-port';
import {
  postgresBinDir,
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from '../support/throwaway-postgres';

async function query<T = Record<string, unknown>>(pg: ThrowawayPostgres, sql: string): Promise<T[]> {
  const client = new Client({
    host: pg.host,
    port: pg.port,
    user: pg.user,
    database: pg.database,
    connectionTimeoutMillis: 3_000,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('startThrowawayPostgres', () => {
  let pg: ThrowawayPostgres;
  beforeAll(async () => {
    pg = await startThrowawayPostgres();
  }, 90_000);
  afterAll(() => pg?.dispose());

  it('finds the server binaries dynamically', () => {
    if (!process.env.PG_BIN_DIR) expect(postgresBinDir()).toMatch(/^\/usr\/lib\/postgresql\/[\d.]+\/bin$/);
    expect(existsSync(`${postgresBinDir()}/pg_ctl`)).toBe(true);
  });

  it('runs its own cluster on 127.0.0.1 with trust auth, never the shared 5432', async () => {
    expect(pg.host).toBe('127.0.0.1');
    expect(pg.port).not.toBe(5432);
    expect(pg.connectionString).toBe(`postgres://postgres@127.0.0.1:${pg.port}/postgres`);
    expect(pg.running).toBe(true);
    const [row] = await query<{ user: string; port: number; data: string }>(
      pg,
      "SELECT current_user AS user, inet_server_port() AS port, current_setting('data_directory') AS data",
    );
    expect(row).toEqual({ user: 'postgres', port: pg.port, data: `${pg.dir}/data` });
    await query(pg, 'CREATE TABLE survives (id int); INSERT INTO survives VALUES (42)');
  });

  it('stop() leaves the port refusing connections; start() brings it back on the same port with its data', async () => {
    const { port } = pg;
    await pg.stop();
    expect(pg.running).toBe(false);
    expect(await probePort(port)).toBe('refused');
    await expect(query(pg, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);

    await pg.start();
    expect(pg.running).toBe(true);
    expect(pg.port).toBe(port);
    expect(await query(pg, 'SELECT id FROM survives')).toEqual([{ id: 42 }]);
  });

  it('stop() and start() are idempotent and run in call order', async () => {
    await Promise.all([pg.stop(), pg.stop(), pg.start(), pg.start()]);
    expect(pg.running).toBe(true);
    expect(await query(pg, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('dispose() stops the server, removes the directory, may be repeated, and retires the handle', async () => {
    const { port, dir } = pg;
    await pg.dispose();
    await pg.dispose();
    expect(pg.running).toBe(false);
    expect(await probePort(port)).toBe('refused');
    expect(existsSync(dir)).toBe(false);
    await expect(pg.start()).rejects.toThrow(/disposed/);
  });
});

describe('startThrowawayPostgres when the server dies by itself', () => {
  it('stop() still succeeds and start() brings it back', async () => {
    const pg = await startThrowawayPostgres();
    try {
      const [{ pid }] = await query<{ pid: number }>(pg, 'SELECT pg_backend_pid() AS pid');
      expect(pid).toBeGreaterThan(0);
      // Crash the postmaster (its pid is the first line of postmaster.pid).
      const postmaster = Number(readFileSync(`${pg.dir}/data/postmaster.pid`, 'utf8').split('\n')[0]);
      process.kill(postmaster, 'SIGKILL');
      await expect.poll(() => probePort(pg.port), { timeout: 10_000 }).toBe('refused');

      await pg.stop();
      expect(pg.running).toBe(false);
      await pg.start();
      expect(await query(pg, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await pg.dispose();
    }
  }, 90_000);
});
