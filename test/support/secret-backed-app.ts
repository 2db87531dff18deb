import { type App, appEntities, createApp, type Role } from '../../src/app';
import { resolveConfiguration } from '../../src/bootstrap';
import type { Config } from '../../src/config/config';
import type { RawEnv } from '../../src/config/load-config';
import { openDatabase } from '../../src/platform/database/database';
import { migrateUp } from '../../src/platform/database/migrations';
import type { SecretStore } from '../../src/platform/secrets/secret-store';
import { useFakeAwsCredentials } from '../config/aws-test-setup';
import { LogCapture } from './app-harness';
import { freePort } from './free-port';

/**
 * The app as production starts it: configuration resolved through Secrets Manager (the stand-in at
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER`), the store handed to the app so rotated secrets are re-read,
 * migrations applied with the resolved credentials. For rotation and fault tests.
 */
export interface SecretBackedApp {
  readonly app: App;
  readonly config: Config;
  readonly secrets: SecretStore | undefined;
  readonly url: string;
  readonly logs: LogCapture;
  close(): Promise<void>;
}

export async function startSecretBackedApp(env: RawEnv, role: Role = 'api'): Promise<SecretBackedApp> {
  useFakeAwsCredentials();
  const { config, secrets } = await resolveConfiguration({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    GITHUB_TOKENS: 'ghp_testtoken000000000000000000000000000',
    // The fault tests' load must reach the database, not answers the response cache keeps.
    RESPONSE_CACHE_ENABLED: 'false',
    ...env,
  });
  const logs = new LogCapture();
  const migrator = await openDatabase(config, appEntities(), logs.logger);
  await migrateUp(migrator.orm).finally(() => migrator.close());
  const app = await createApp(config, { logger: logs.logger, secrets });
  const { url } = await app.start(role);
  return { app, config, secrets, url: url!, logs, close: () => app.close() };
}
