import { Writable } from 'node:stream';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { type App, type AppOverrides, createApp, type Role } from '../../src/app';
import type { Config } from '../../src/config/config';
import { type RawEnv } from '../../src/config/load-config';
import { resolveConfiguration } from '../../src/bootstrap';
import type { SecretStore } from '../../src/platform/secrets/secret-store';
import { appEntities } from '../../src/app';
import { openDatabase } from '../../src/platform/database/database';
import { migrateUp } from '../../src/platform/database/migrations';
import { createLogger, type Logger } from '../../src/platform/logging/logger';
import { freePort } from './free-port';
import { createTestDatabase, SHARED_PG, SHARED_REDIS, uniqueName } from './services';

/** Log lines an app wrote, parsed, for assertions about logging. */
export class LogCapture {
  readonly lines: Record<string, unknown>[] = [];
  readonly logger: Logger;
  constructor(level = 'info') {
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
          this.lines.push(JSON.parse(line));
        done();
      },
    });
    this.logger = createLogger(level, sink);
  }
  text(): string {
    return this.lines.map((l) => JSON.stringify(l)).join('\n');
  }
}

export interface TestApp {
  readonly app: App;
  readonly config: Config;
  readonly url: string;
  readonly logs: LogCapture;
  /** Runs a generated typed document (test/generated, from test/operations) and returns its typed data. */
  execute<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables?: TVariables,
    headers?: Record<string, string>,
  ): Promise<{ status: number; data: TResult | undefined; errors: GraphqlResponse['body']['errors'] }>;
  /** POSTs a GraphQL operation and returns status, headers and parsed body. */
  graphql(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphqlResponse>;
  close(): Promise<void>;
}

export interface GraphqlResponse {
  readonly status: number;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

export interface StartTestAppOptions {
  /** Settings over the test defaults (a database of its own on the shared PostgreSQL, a key prefix of its own on the shared Redis). */
  readonly env?: RawEnv;
  readonly overrides?: AppOverrides;
  readonly role?: Role;
  /** Skip creating a database (when `env` points at another server). */
  readonly ownDatabase?: boolean;
  /**
   * The secret store for the `AWS_*_SECRET_NAME`s in `env` (bootstrap's wiring: configuration is
   * read through it, and the app re-reads rotated secrets through it).
   */
  readonly secretStore?: (settings: Config['secrets']) => SecretStore;
}

/** Starts the real app over HTTP against real PostgreSQL and Redis, isolated from other test files. */
export async function startTestApp(options: StartTestAppOptions = {}): Promise<TestApp> {
  const database = options.ownDatabase === false ? undefined : await createTestDatabase('app');
  const env: RawEnv = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    DB_HOST: SHARED_PG.host,
    DB_PORT: String(SHARED_PG.port),
    DB_USER: SHARED_PG.user,
    DB_NAME: database?.name,
    REDIS_HOST: SHARED_REDIS.host,
    REDIS_PORT: String(SHARED_REDIS.port),
    REDIS_KEY_PREFIX: uniqueName('t'),
    GITHUB_TOKENS: 'ghp_testtoken000000000000000000000000000',
    // Tests write rows directly, without the events production writers publish: the response
    // cache would keep answers those writes made stale. Its own tests switch it on.
    RESPONSE_CACHE_ENABLED: 'false',
    ...options.env,
  };
  const { config, secrets } = await resolveConfiguration(env, { store: options.secretStore });
  const logs = new LogCapture();
  const migrator = await openDatabase(config, appEntities(), logs.logger);
  await migrateUp(migrator.orm).finally(() => migrator.close());
  const app = await createApp(config, { logger: logs.logger, secrets, ...options.overrides });
  const { url } = await app.start(options.role ?? 'api');
  const graphql: TestApp['graphql'] = async (query, variables, headers = {}) => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as GraphqlResponse['body'],
    };
  };
  return {
    app,
    config,
    url: url!,
    logs,
    graphql,
    async execute(document, variables, headers) {
      const { status, body } = await graphql(print(document), variables as Record<string, unknown>, headers);
      return { status, data: body.data, errors: body.errors };
    },
    async close() {
      await app.close();
      await database?.drop();
    },
  };
}
