import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfiguration } from '../../src/bootstrap';
import { createAwsSecretFetcher } from '../../src/platform/secrets/aws-secrets-manager';
import { CachedSecretStore, SecretError } from '../../src/platform/secrets/secret-store';
import { type FakeSecretsManager, startFakeSecretsManager } from '../support/fake-secrets-manager';
import { awsStoreFactory, useFakeAwsCredentials } from './aws-test-setup';

// The secret cache over the real SDK client and the stand-in; time is an injected clock.
useFakeAwsCredentials();

const MINUTE = 60_000;
const TTL = 5 * MINUTE;

let fake: FakeSecretsManager;
let fetcher: ReturnType<typeof createAwsSecretFetcher>;
let clock: number;
let store: CachedSecretStore;

beforeEach(async () => {
  fake = await startFakeSecretsManager();
  fetcher = createAwsSecretFetcher({ region: fake.region, endpoint: fake.endpoint });
  clock = Date.UTC(2025, 0, 1);
  store = new CachedSecretStore(fetcher.fetch, TTL, () => clock);
  fake.setSecret('prod/db', { password: 'first' });
});

afterEach(async () => {
  fetcher.close();
  await fake.close();
});

describe('CachedSecretStore over Secrets Manager', () => {
  it('answers a second read within the TTL from cache, without a call', async () => {
    await expect(store.get('prod/db')).resolves.toBe('{"password":"first"}');
    fake.setSecret('prod/db', { password: 'rotated' });
    clock += TTL - 1;
    await expect(store.get('prod/db')).resolves.toBe('{"password":"first"}');
    expect(fake.calls('prod/db')).toBe(1);
  });

  it('fetches again once the TTL has passed, picking up a rotated value', async () => {
    await store.get('prod/db');
    fake.setSecret('prod/db', { password: 'rotated' });
    clock += TTL;
    await expect(store.get('prod/db')).resolves.toBe('{"password":"rotated"}');
    expect(fake.calls('prod/db')).toBe(2);
    // ...and the new value is cached for a full TTL again.
    clock += TTL - 1;
    await store.get('prod/db');
    expect(fake.calls('prod/db')).toBe(2);
  });

  it('refresh(name) fetches at once, within the TTL', async () => {
    await store.get('prod/db');
    fake.setSecret('prod/db', { password: 'rotated' });
    await expect(store.refresh('prod/db')).resolves.toBe('{"password":"rotated"}');
    expect(fake.calls('prod/db')).toBe(2);
    await expect(store.get('prod/db')).resolves.toBe('{"password":"rotated"}');
    expect(fake.calls('prod/db')).toBe(2);
  });

  it('lets concurrent reads share one call', async () => {
    const values = await Promise.all([
      store.get('prod/db'),
      store.get('prod/db'),
      store.refresh('prod/db'),
      store.get('prod/db'),
    ]);
    expect(new Set(values)).toEqual(new Set(['{"password":"first"}']));
    expect(fake.calls('prod/db')).toBe(1);
  });

  it.each([
    ['a dropped connection', 'unreachable', 'unreachable'],
    ['an HTTP 500', '500', 'other'],
  ] as const)(
    'serves the stale value when a re-fetch meets %s, and reports it',
    async (_what, failure, kind) => {
      await store.get('prod/db');
      clock += TTL;
      fake.failNext(1, failure);

      await expect(store.get('prod/db')).resolves.toBe('{"password":"first"}');
      expect(fake.calls('prod/db')).toBe(2);
      const [status] = store.status();
      expect(status).toMatchObject({ name: 'prod/db', lastError: kind, stale: true });
      expect(status!.lastErrorAt).toBe(new Date(clock).toISOString());
      expect(JSON.stringify(store.status())).not.toContain('first');
    },
  );

  it('serves the stale value when the secret has disappeared, reporting not_found', async () => {
    await store.get('prod/db');
    fake.deleteSecret('prod/db');
    await expect(store.refresh('prod/db')).resolves.toBe('{"password":"first"}');
    expect(store.status()[0]).toMatchObject({ lastError: 'not_found' });
  });

  it('waits before asking again after a failure, then recovers and clears the error', async () => {
    await store.get('prod/db');
    clock += TTL;
    fake.failNext(1, '500');
    await store.get('prod/db');
    clock += 10_000; // within the wait after a failure (min(TTL, 30 s))
    await store.get('prod/db');
    expect(fake.calls('prod/db')).toBe(2);

    clock += 20_000;
    fake.setSecret('prod/db', { password: 'rotated' });
    await expect(store.get('prod/db')).resolves.toBe('{"password":"rotated"}');
    expect(fake.calls('prod/db')).toBe(3);
    expect(store.status()[0]).toMatchObject({ lastError: undefined, lastErrorAt: undefined, stale: false });
  });

  it('throws a SecretError naming the secret when there is nothing to fall back on', async () => {
    const error = await store.get('missing').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretError);
    expect(error).toMatchObject({ secretName: 'missing', kind: 'not_found' });
    expect(store.status()).toContainEqual(
      expect.objectContaining({ name: 'missing', lastError: 'not_found' }),
    );
    // Without a value, every read asks again: start-up retries depend on it.
    await store.get('missing').catch(() => undefined);
    expect(fake.calls('missing')).toBe(2);
  });
});

it('resolveConfiguration hands back its store, which keeps the default 5-minute cache', async () => {
  fake.setSecret('prod/gh', { tokens: ['ghp_aaaaaaaaaaaaaaaaaaaa'] });
  const stores = awsStoreFactory(() => clock);
  try {
    const { config, secrets } = await resolveConfiguration(
      { AWS_ENDPOINT_URL_SECRETS_MANAGER: fake.endpoint, AWS_GITHUB_SECRET_NAME: 'prod/gh' },
      { store: stores.factory },
    );
    expect(config.secrets.cacheTtlMs).toBe(TTL);
    clock += TTL - 1;
    await secrets!.get('prod/gh');
    expect(fake.calls('prod/gh')).toBe(1);
    clock += 1;
    await secrets!.get('prod/gh');
    expect(fake.calls('prod/gh')).toBe(2);
  } finally {
    stores.close();
  }
});
