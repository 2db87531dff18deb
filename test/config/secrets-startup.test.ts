import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfiguration } from '../../src/bootstrap';
import { ConfigError, type RawEnv } from '../../src/config/load-config';
import { MAX_BACKOFF_MS, SecretError, withBackoff } from '../../src/platform/secrets/secret-store';
import {
  closedPortEndpoint,
  type FakeSecretsManager,
  startFakeSecretsManager,
} from '../support/fake-secrets-manager';
import { awsStoreFactory, recordingSleep, type StoreFactory, useFakeAwsCredentials } from './aws-test-setup';

// Reading secrets at start-up: what may pass (network, 5xx) is retried with exponential backoff,
// what will not (missing secret, refused credentials) is reported at once; both name the setting.
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

async function load(env: RawEnv, sleep: (ms: number) => Promise<void>) {
  return resolveConfiguration(
    { AWS_ENDPOINT_URL_SECRETS_MANAGER: fake.endpoint, SECRETS_STARTUP_BACKOFF_MS: '100', ...env },
    { store: stores.factory, sleep },
  );
}

async function failureOf(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('an unreachable Secrets Manager', () => {
  it('is retried with exponential backoff, then reported naming the setting, secret and endpoint', async () => {
    const endpoint = await closedPortEndpoint();
    const { sleep, delays } = recordingSleep();

    const error = await failureOf(
      load(
        {
          AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
          AWS_DB_SECRET_NAME: 'prod/db',
          SECRETS_STARTUP_ATTEMPTS: '4',
        },
        sleep,
      ),
    );

    expect(stores.attempts()).toBe(4);
    expect(delays).toEqual([100, 200, 400]);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toBe(
      `AWS_DB_SECRET_NAME: could not read secret "prod/db" from Secrets Manager (endpoint ${endpoint}, region us-east-1): ` +
        'Secrets Manager unreachable (ECONNREFUSED), after 4 attempt(s); ' +
        'check network access to Secrets Manager (VPC endpoint or NAT) and AWS_ENDPOINT_URL_SECRETS_MANAGER',
    );
  });

  it('is reported together with the other problems, without derived ones', async () => {
    const endpoint = await closedPortEndpoint();
    const error = await failureOf(
      load(
        {
          NODE_ENV: 'production',
          AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
          AWS_DB_SECRET_NAME: 'prod/db',
          SECRETS_STARTUP_ATTEMPTS: '2',
          REDIS_HOST: 'cache',
          LOG_LEVEL: 'chatty',
        },
        recordingSleep().sleep,
      ),
    );
    // DB_HOST is not reported as missing in production: the secret that holds it could not be read.
    expect(error.problems).toHaveLength(2);
    expect(error.problems[0]).toMatch(/^AWS_DB_SECRET_NAME: could not read secret "prod\/db"/);
    expect(error.problems[1]).toMatch(/^LOG_LEVEL: must be one of/);
  });

  it.each([
    ['dropped connections', 'unreachable'],
    ['HTTP 500 answers', '500'],
  ] as const)('recovers when it comes back within the attempts (%s)', async (_what, failure) => {
    fake.setSecret('prod/db', { host: 'db.internal', password: 'pw' });
    fake.failNext(2, failure);
    const { sleep, delays } = recordingSleep();

    const { config } = await load({ AWS_DB_SECRET_NAME: 'prod/db' }, sleep);

    expect(config.database.host).toBe('db.internal');
    expect(fake.calls('prod/db')).toBe(3);
    expect(delays).toEqual([100, 200]);
  });
});

describe('errors that retrying cannot fix', () => {
  it('reports a missing secret after one call, with no wait', async () => {
    const { sleep, delays } = recordingSleep();
    const error = await failureOf(load({ AWS_GITHUB_SECRET_NAME: 'prod/missing' }, sleep));

    expect(fake.calls('prod/missing')).toBe(1);
    expect(delays).toEqual([]);
    expect(error.problems).toEqual([
      `AWS_GITHUB_SECRET_NAME: could not read secret "prod/missing" from Secrets Manager (endpoint ${fake.endpoint}, region us-east-1): ` +
        'not found (ResourceNotFoundException, HTTP 400), not retried; check the secret name and AWS_REGION',
    ]);
  });

  it('reports refused credentials after one call, pointing at IAM', async () => {
    await fake.close();
    fake = await startFakeSecretsManager({ credentials: { AKIAOTHERACCOUNT0000: 'other' } });
    fake.setSecret('prod/db', { host: 'db' });
    const { sleep, delays } = recordingSleep();

    const error = await failureOf(load({ AWS_DB_SECRET_NAME: 'prod/db' }, sleep));

    expect(stores.attempts()).toBe(1);
    expect(delays).toEqual([]);
    expect(error.problems[0]).toContain('access denied (UnrecognizedClientException, HTTP 400), not retried');
    expect(error.problems[0]).toContain('secretsmanager:GetSecretValue');
  });

  it('reports missing AWS credentials without retrying or sending anything', async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, key: process.env.AWS_SECRET_ACCESS_KEY };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    try {
      const { sleep, delays } = recordingSleep();
      const error = await failureOf(load({ AWS_DB_SECRET_NAME: 'prod/db' }, sleep));
      expect(error.problems[0]).toContain('no AWS credentials found (CredentialsProviderError), not retried');
      expect([stores.attempts(), delays, fake.requests()]).toEqual([1, [], []]);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = saved.id;
      process.env.AWS_SECRET_ACCESS_KEY = saved.key;
    }
  });

  it('reads the other secrets and lists each failure once', async () => {
    fake.setSecret('prod/redis', { host: 'cache', port: 'x' });
    const error = await failureOf(
      load(
        {
          AWS_DB_SECRET_NAME: 'prod/db',
          AWS_SES_SECRET_NAME: 'prod/ses',
          AWS_REDIS_SECRET_NAME: 'prod/redis',
        },
        recordingSleep().sleep,
      ),
    );
    expect(error.problems.map((p) => p.split(':')[0])).toEqual([
      'AWS_DB_SECRET_NAME',
      'AWS_SES_SECRET_NAME',
      'REDIS_PORT (from secret "prod/redis", field "port")',
    ]);
  });
});

describe('withBackoff', () => {
  it('doubles the delay up to a cap, so a long outage cannot stall start-up for hours', async () => {
    const { sleep, delays } = recordingSleep();
    const down = (): Promise<never> => Promise.reject(new SecretError('s', 'unreachable', 'down'));
    await expect(withBackoff(down, 6, 10_000, sleep)).rejects.toBeInstanceOf(SecretError);
    expect(delays).toEqual([10_000, 20_000, MAX_BACKOFF_MS, MAX_BACKOFF_MS, MAX_BACKOFF_MS]);
  });

  it('returns the first success and stops retrying', async () => {
    const { sleep, delays } = recordingSleep();
    let calls = 0;
    const flaky = async (): Promise<string> => {
      calls += 1;
      if (calls < 3) throw new SecretError('s', 'other', 'throttled');
      return 'ok';
    };
    await expect(withBackoff(flaky, 5, 50, sleep)).resolves.toBe('ok');
    expect([calls, delays]).toEqual([3, [50, 100]]);
  });
});
