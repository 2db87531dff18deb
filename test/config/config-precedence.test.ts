import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfiguration } from '../../src/bootstrap';
import type { RawEnv } from '../../src/config/load-config';
import { type FakeSecretsManager, startFakeSecretsManager } from '../support/fake-secrets-manager';
import { awsStoreFactory, type StoreFactory, useFakeAwsCredentials } from './aws-test-setup';

// Environment over secret over default, with the real SDK client talking to the stand-in.
useFakeAwsCredentials();

let fake: FakeSecretsManager;
let stores: StoreFactory;

beforeEach(async () => {
  fake = await startFakeSecretsManager();
  stores = awsStoreFactory();
});

afterEach(async () => {
  stores.close();
  await fake.close();
});

function load(env: RawEnv) {
  return resolveConfiguration(
    { AWS_REGION: fake.region, AWS_ENDPOINT_URL_SECRETS_MANAGER: fake.endpoint, ...env },
    { store: stores.factory },
  );
}

describe('database secret {host, port, username, password, dbname, ssl}', () => {
  const secret = {
    host: 'db.secret.internal',
    port: 6543,
    username: 'secret_user',
    password: 'db-secret-password',
    dbname: 'secret_db',
    ssl: true,
    engine: 'postgres', // RDS-managed secrets carry extra fields; they are ignored
  };

  it('fills every database setting the environment leaves unset', async () => {
    fake.setSecret('prod/db', secret);
    const { config, secrets } = await load({ AWS_DB_SECRET_NAME: 'prod/db' });

    expect(config.database).toMatchObject({
      mode: 'external',
      host: 'db.secret.internal',
      port: 6543,
      user: 'secret_user',
      password: 'db-secret-password',
      name: 'secret_db',
      ssl: { caPath: undefined, rejectUnauthorized: true },
    });
    expect(fake.calls('prod/db')).toBe(1);
    expect(secrets?.status().map((s) => s.name)).toEqual(['prod/db']);
  });

  it('lets each environment variable override its own field only', async () => {
    fake.setSecret('prod/db', secret);
    const { config } = await load({
      AWS_DB_SECRET_NAME: 'prod/db',
      DB_HOST: 'env-host',
      DB_PORT: '7000',
      DB_SSL: 'false',
    });

    expect(config.database).toMatchObject({ host: 'env-host', port: 7000, ssl: false, user: 'secret_user' });
    expect(config.database.password).toBe('db-secret-password');
  });

  it('accepts numbers and booleans written as strings in the secret', async () => {
    fake.setSecret('prod/db', { host: 'h', port: ' 6543 ', ssl: 'TRUE' });
    const { config } = await load({ AWS_DB_SECRET_NAME: 'prod/db' });
    expect(config.database.port).toBe(6543);
    expect(config.database.ssl).not.toBe(false);
  });

  it('falls back to defaults without a secret name, asking Secrets Manager nothing', async () => {
    const { config, secrets } = await load({});
    expect(config.database).toMatchObject({
      mode: 'embedded',
      port: 5432,
      user: 'postgres',
      password: undefined,
      name: 'github_insights',
      ssl: false,
    });
    expect(secrets).toBeUndefined();
    expect(fake.calls()).toBe(0);
  });
});

describe('redis secret {host, port, username, password, tls}', () => {
  const secret = {
    host: 'cache.secret',
    port: '6380',
    username: 'app',
    password: 'redis-secret-pw',
    tls: true,
  };

  it('fills the redis settings from the secret', async () => {
    fake.setSecret('prod/redis', secret);
    const { config } = await load({ AWS_REDIS_SECRET_NAME: 'prod/redis' });
    expect(config.redis).toMatchObject({
      mode: 'external',
      host: 'cache.secret',
      port: 6380,
      username: 'app',
      password: 'redis-secret-pw',
      tls: { rejectUnauthorized: true },
    });
  });

  it('prefers the environment, field by field', async () => {
    fake.setSecret('prod/redis', secret);
    const { config } = await load({
      AWS_REDIS_SECRET_NAME: 'prod/redis',
      REDIS_PASSWORD: 'env-pw',
      REDIS_TLS: '0',
    });
    expect(config.redis).toMatchObject({
      host: 'cache.secret',
      password: 'env-pw',
      tls: false,
      username: 'app',
    });
  });

  it('defaults to the in-process drivers without a secret or REDIS_HOST', async () => {
    const { config } = await load({});
    expect(config.redis).toMatchObject({ mode: 'memory', port: 6379, username: undefined, tls: false });
  });
});

describe('github secret', () => {
  const a = 'ghp_aaaaaaaaaaaaaaaaaaaa';
  const b = 'github_pat_bbbbbbbbbbbbbbbbbbbb';

  it.each([
    ['{"tokens": [..]}', { tokens: [a, b] }],
    ['a comma-separated string in "tokens"', { tokens: ` ${a}, ${b} ` }],
    ['a comma-separated string in "value"', { value: `${a},${b}` }],
    ['plaintext (not JSON)', `${a},${b}`],
  ])('reads the tokens from %s', async (_shape, value) => {
    fake.setSecret('prod/gh', value);
    const { config } = await load({ AWS_GITHUB_SECRET_NAME: 'prod/gh' });
    expect(config.github.tokens).toEqual([a, b]);
  });

  it('prefers GITHUB_TOKENS from the environment', async () => {
    fake.setSecret('prod/gh', { tokens: [a] });
    const { config } = await load({ AWS_GITHUB_SECRET_NAME: 'prod/gh', GITHUB_TOKENS: b });
    expect(config.github.tokens).toEqual([b]);
  });

  it('has no tokens by default', async () => {
    const { config } = await load({});
    expect(config.github.tokens).toEqual([]);
  });
});

describe('ses secret {region, fromEmail, fromName, replyToEmail, configurationSetName?}', () => {
  const secret = {
    region: 'eu-west-1',
    fromEmail: 'noreply@example.com',
    fromName: 'GitHub Insights',
    replyToEmail: 'support@example.com',
  };

  it('fills the mail settings, leaving the optional configuration set unset', async () => {
    fake.setSecret('prod/ses', secret);
    const { config } = await load({
      AWS_SES_SECRET_NAME: 'prod/ses',
      ENABLE_EMAIL_NOTIFICATIONS: 'true',
      PUBLIC_URL: 'https://insights.example.com',
      NOTIFICATION_TOKEN_SECRET: 'a-secret-of-at-least-32-characters-0000',
    });
    expect(config.mail).toMatchObject({
      enabled: true,
      region: 'eu-west-1',
      fromEmail: 'noreply@example.com',
      fromName: 'GitHub Insights',
      replyToEmail: 'support@example.com',
      configurationSetName: undefined,
    });
  });

  it('reads configurationSetName when present and lets the environment override fields', async () => {
    fake.setSecret('prod/ses', { ...secret, configurationSetName: 'tracking' });
    const { config } = await load({ AWS_SES_SECRET_NAME: 'prod/ses', SES_FROM_EMAIL: 'env@example.com' });
    expect(config.mail).toMatchObject({ fromEmail: 'env@example.com', configurationSetName: 'tracking' });
    expect(config.mail.region).toBe('eu-west-1');
  });

  it('defaults the mail region to AWS_REGION and sends nothing', async () => {
    const { config } = await load({ AWS_REGION: 'ap-southeast-2' });
    expect(config.mail).toMatchObject({ enabled: false, region: 'ap-southeast-2', fromEmail: undefined });
  });
});

it('reads all four secrets through one store, one call each', async () => {
  fake.setSecret('db', { host: 'db', password: 'p' });
  fake.setSecret('redis', { host: 'redis' });
  fake.setSecret('gh', { tokens: ['ghp_cccccccccccccccccccc'] });
  fake.setSecret('ses', { fromEmail: 'a@example.com' });
  const { config, secrets } = await load({
    AWS_DB_SECRET_NAME: 'db',
    AWS_REDIS_SECRET_NAME: 'redis',
    AWS_GITHUB_SECRET_NAME: 'gh',
    AWS_SES_SECRET_NAME: 'ses',
  });
  expect([
    config.database.host,
    config.redis.host,
    config.github.tokens.length,
    config.mail.fromEmail,
  ]).toEqual(['db', 'redis', 1, 'a@example.com']);
  expect(['db', 'redis', 'gh', 'ses'].map((n) => fake.calls(n))).toEqual([1, 1, 1, 1]);
  expect(secrets?.status().every((s) => s.lastError === undefined && !s.stale)).toBe(true);
});
