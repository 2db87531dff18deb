import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import type { Logger } from '../logging/logger';

export interface EmbeddedPostgres {
  readonly host: string;
  readonly port: number;
  /** PGlite has a single database and user, both `postgres`. */
  readonly database: 'postgres';
  readonly user: 'postgres';
  close(): Promise<void>;
}

/**
 * PostgreSQL compiled to WebAssembly (PGlite), served on a loopback port by pglite-socket so
 * the ordinary `pg` driver and MikroORM talk to it unchanged. Development only: one session at a
 * time, so the ORM pool holds one connection. Data persists under `dataDir/pglite`.
 */
export async function startEmbeddedPostgres(dataDir: string, logger: Logger): Promise<EmbeddedPostgres> {
  const directory = path.resolve(dataDir, 'pglite');
  mkdirSync(directory, { recursive: true });
  const started = Date.now();
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await PGlite.create(directory);
  const port = await freeLoopbackPort();
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections: 1 });
  await server.start();
  logger.info({ directory, port, ms: Date.now() - started }, 'embedded PostgreSQL (PGlite) started');
  return {
    host: '127.0.0.1',
    port,
    database: 'postgres',
    user: 'postgres',
    async close() {
      await server.stop();
      await db.close();
    },
  };
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
