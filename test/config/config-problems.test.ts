import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfiguration } from '../../src/bootstrap';
import { ConfigError, loadConfig, type RawEnv } from '../../src/config/load-config';
import { type FakeSecretsManager, startFakeSecretsManager } from '../support/fake-secrets-manager';
import { awsStoreFactory, type StoreFactory, useFakeAwsCredentials } from './aws-test-setup';

// A bad configuration stops start-up with one ConfigError listing every problem, each naming the
// setting (and the secret field it came from), and never a secret value.
useFakeAwsCredentials();

const PASSWORD = 'Sup3r-S3cret-Passw0rd';
const TOKEN = 'ghp_L3akedT0kenValue1234567890';

let fake: FakeSecretsManager;
let stores: StoreFactory;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'config-problems-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeEach(async () => {
  fake = await startFakeSecretsManager();
  stores = awsStoreFactory();
});

afterEach(async () => {
  stores.close();
  await fake.close();
});

async function problemsOf(env: RawEnv): Promise<ConfigError> {
  const error = await resolveConfiguration(
    { AWS_ENDPOINT_URL_SECRETS_MANAGER: fake.endpoint, ...env },
    { store: stores.factory, sleep: () => Promise.resolve() },
  ).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  const configError = error as ConfigError;
  // Whatever the case, no secret value may be printed.
  for (const text of [configError.message, String(configError.stack), JSON.stringify(configError.problems)]) {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(TOKEN);
  }
  expect(configError.message).toBe(
    `Invalid configuration (${configError.problems.length} problem${configError.problems.length === 1 ? '' : 's'}):\n` +
      configError.problems.map((p) => `  - ${p}`).join('\n'),
  );
  return configError;
}

describe('environment problems', () => {
  it('lists every bad value of one environment in one error', async () => {
    const { problems } = await problemsOf({
      NODE_ENV: 'staging',
      PORT: '70000',
      LOG_LEVEL: 'loud',
      DB_PORT: '54x2',
      DB_POOL_MAX: '0x10', // hexadecimal is not a whole number here
      DB_SSL: 'maybe',
      REDIS_DB: '1.5',
      NOTIFICATION_EMAIL: 'not-an-address',
      GITHUB_API_URL: 'api.github.com',
      DB_PASSWORD: PASSWORD,
    });
    expect(problems).toEqual([
      'NODE_ENV: must be one of development, test, production',
      'PORT: must be at most 65535',
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent',
      'DB_PORT: must be a whole number',
      'DB_SSL: must be true or false',
      'DB_POOL_MAX: must be a whole number',
      'REDIS_DB: must be a whole number',
      'GITHUB_API_URL: must be an http(s) URL',
      'NOTIFICATION_EMAIL: must be an e-mail address',
    ]);
  });

  it('checks the rules across settings in the same run as the per-setting problems', async () => {
    const { problems } = await problemsOf({
      NODE_ENV: 'production',
      LOG_LEVEL: 'loud',
      DB_POOL_MIN: '20',
      DB_POOL_MAX: '5',
      REDIS_CLUSTER: 'true',
      REDIS_DB: '3',
      ENABLE_EMAIL_NOTIFICATIONS: 'yes',
      GITHUB_TOKENS: `${TOKEN},bad token!,x`,
    });
    expect(problems).toEqual([
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent',
      'DB_HOST: required in production (the embedded database is for development only)',
      'REDIS_HOST: required in production (in-process drivers serve one process only)',
      'DB_POOL_MIN: must not exceed DB_POOL_MAX (20 > 5)',
      'REDIS_DB: must be 0 when REDIS_CLUSTER is true (a cluster has database 0 only)',
      'GITHUB_TOKENS: tokens 2, 3 of 3 must be 10-255 letters, digits or underscores',
      'SES_FROM_EMAIL: required when ENABLE_EMAIL_NOTIFICATIONS is true (or set it in the SES secret)',
      'PUBLIC_URL: required when ENABLE_EMAIL_NOTIFICATIONS is true (links in e-mails)',
      'NOTIFICATION_TOKEN_SECRET: required when ENABLE_EMAIL_NOTIFICATIONS is true (signed links)',
    ]);
  });

  it('does not repeat a bad setting through a rule that depends on it', async () => {
    const { problems } = await problemsOf({ DB_POOL_MIN: '5', DB_POOL_MAX: 'many' });
    expect(problems).toEqual(['DB_POOL_MAX: must be a whole number']);
  });

  it('reads no secret while the AWS settings themselves are wrong, and lists all of them', async () => {
    fake.setSecret('prod/db', { password: PASSWORD });
    const { problems } = await problemsOf({
      AWS_REGION: 'us-east1',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: 'localhost:4566',
      SECRETS_STARTUP_ATTEMPTS: '0',
      AWS_DB_SECRET_NAME: 'prod/db',
      PORT: 'eighty',
    });
    expect(problems).toEqual([
      'PORT: must be a whole number',
      'AWS_REGION: must be an AWS region such as us-east-1',
      'AWS_ENDPOINT_URL_SECRETS_MANAGER: must be an http(s) URL',
      'SECRETS_STARTUP_ATTEMPTS: must be at least 1',
    ]);
    expect(fake.calls()).toBe(0);
  });
});

describe('DB_SSL_CA_PATH', () => {
  it.each([
    [
      'a missing file',
      () => join(dir, 'missing.pem'),
      /^DB_SSL_CA_PATH: cannot read ".*missing\.pem" \(no such file\)$/,
    ],
    ['a directory', () => dir, /^DB_SSL_CA_PATH: cannot read ".*" \(is a directory\)$/],
    [
      'a file without a PEM certificate',
      () => writeTemp('der.crt', '0\x82\x01'),
      /holds no PEM certificate$/,
    ],
  ])('refuses %s', async (_what, path, expected) => {
    const { problems } = await problemsOf({ DB_SSL: 'true', DB_SSL_CA_PATH: path() });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });

  it('accepts a readable PEM bundle, and refuses it with DB_SSL off', async () => {
    const pem = writeTemp('ca.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const { config } = await loadConfig({ env: { DB_SSL: 'true', DB_SSL_CA_PATH: pem } });
    expect(config.database.ssl).toEqual({ caPath: pem, caBundle: 'none', rejectUnauthorized: true });
    const { problems } = await problemsOf({ DB_SSL_CA_PATH: pem });
    expect(problems).toEqual(['DB_SSL_CA_PATH: set, but DB_SSL is false']);
  });

  it('takes the shipped Amazon RDS CA certificates only over TLS, and only by their name', async () => {
    const { config } = await loadConfig({ env: { DB_SSL: 'true', DB_SSL_CA_BUNDLE: 'aws-rds' } });
    expect(config.database.ssl).toMatchObject({ caBundle: 'aws-rds', rejectUnauthorized: true });
    expect((await problemsOf({ DB_SSL_CA_BUNDLE: 'aws-rds' })).problems).toEqual([
      'DB_SSL_CA_BUNDLE: set, but DB_SSL is false',
    ]);
    const unknown = (await problemsOf({ DB_SSL: 'true', DB_SSL_CA_BUNDLE: 'rds' })).problems;
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toMatch(/^DB_SSL_CA_BUNDLE: .*"none"\|"aws-rds"/);
  });
});

describe('secret content problems', () => {
  it('traces a bad value to the secret field it came from, listing every one', async () => {
    fake.setSecret('prod/db', {
      host: 'db',
      port: 'fifty',
      ssl: 'sometimes',
      password: PASSWORD,
      dbname: 'bad name!',
    });
    fake.setSecret('prod/redis', { host: 'r', port: 99999, password: PASSWORD });
    const { problems } = await problemsOf({
      AWS_DB_SECRET_NAME: 'prod/db',
      AWS_REDIS_SECRET_NAME: 'prod/redis',
    });
    expect(problems).toEqual([
      'DB_PORT (from secret "prod/db", field "port"): must be a whole number',
      'DB_NAME (from secret "prod/db", field "dbname"): must be a PostgreSQL database name',
      'DB_SSL (from secret "prod/db", field "ssl"): must be true or false',
      'REDIS_PORT (from secret "prod/redis", field "port"): must be at most 65535',
    ]);
  });

  it('names the environment, not the secret, when the environment supplied the bad value', async () => {
    fake.setSecret('prod/db', { host: 'db', port: 5432 });
    const { problems } = await problemsOf({ AWS_DB_SECRET_NAME: 'prod/db', DB_PORT: 'x' });
    expect(problems).toEqual(['DB_PORT: must be a whole number']);
  });

  it.each([
    ['invalid JSON holding the password', `{"password": "${PASSWORD}", port: 5432}`, /is not valid JSON/],
    ['plain text that is not JSON', PASSWORD, /is not valid JSON/],
    ['a JSON array', JSON.stringify([PASSWORD]), /must be a JSON object, but holds an array$/],
    ['a JSON string', JSON.stringify(PASSWORD), /must be a JSON object, but holds a string$/],
    ['a JSON number', '5432', /must be a JSON object, but holds a number$/],
    ['JSON null', 'null', /must be a JSON object, but holds null$/],
    [
      'nested objects',
      JSON.stringify({ host: { name: 'x' }, port: [5432], password: PASSWORD }),
      /fields "host", "port" must be a string, number or boolean$/,
    ],
  ])('reports a database secret holding %s', async (_what, value, expected) => {
    fake.setSecret('prod/db', value);
    const { problems } = await problemsOf({ AWS_DB_SECRET_NAME: 'prod/db' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^AWS_DB_SECRET_NAME: secret "prod\/db"/);
    expect(problems[0]).toMatch(expected);
  });

  it.each([
    ['no tokens at all', { tokens: [] }, 'AWS_GITHUB_SECRET_NAME: secret "prod/gh" holds no tokens'],
    [
      'neither "tokens" nor "value"',
      { token: TOKEN },
      'AWS_GITHUB_SECRET_NAME: secret "prod/gh" must hold "tokens" (an array of strings or a comma-separated string) or "value"',
    ],
    [
      'a token that is not a string',
      { tokens: [TOKEN, 42] },
      'AWS_GITHUB_SECRET_NAME: secret "prod/gh" must hold "tokens" (an array of strings or a comma-separated string) or "value"',
    ],
    [
      'a malformed token',
      { tokens: [TOKEN, 'has space in it'] },
      'GITHUB_TOKENS (from secret "prod/gh"): token 2 of 2 must be 10-255 letters, digits or underscores',
    ],
  ])('reports a github secret with %s', async (_what, value, expected) => {
    fake.setSecret('prod/gh', value);
    const { problems } = await problemsOf({ AWS_GITHUB_SECRET_NAME: 'prod/gh' });
    expect(problems).toEqual([expected]);
  });

  it('reports a bad e-mail address from the SES secret', async () => {
    fake.setSecret('prod/ses', { region: 'eu-west', fromEmail: 'nobody' });
    const { problems } = await problemsOf({ AWS_SES_SECRET_NAME: 'prod/ses' });
    expect(problems).toEqual([
      'SES_REGION (from secret "prod/ses", field "region"): must be an AWS region such as us-east-1',
      'SES_FROM_EMAIL (from secret "prod/ses", field "fromEmail"): must be an e-mail address',
    ]);
  });
});

describe('accepted spellings', () => {
  it('takes booleans in any case and numbers with surrounding spaces; blank means unset', async () => {
    const { config } = await loadConfig({
      env: { DB_SSL: 'TRUE', REDIS_TLS: 'Yes', PORT: ' 8080 ', DB_HOST: '   ', QUEUE_CONCURRENCY: '' },
    });
    expect(config.database.ssl).not.toBe(false);
    expect(config.redis.tls).not.toBe(false);
    expect(config.http.port).toBe(8080);
    expect(config.database.mode).toBe('embedded');
    expect(config.queue.concurrency).toBe(4);
  });
});

function writeTemp(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
