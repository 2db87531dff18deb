import type { Config } from '../../src/config/config';
import { createAwsSecretFetcher } from '../../src/platform/secrets/aws-secrets-manager';
import {
  CachedSecretStore,
  type SecretFetcher,
  type SecretStore,
} from '../../src/platform/secrets/secret-store';
import { FAKE_AWS_CREDENTIALS } from '../support/fake-secrets-manager';

/**
 * Gives the AWS SDK's default credential chain the stand-in's credentials through the environment,
 * as ECS or a developer's shell would, and shuts off every other source (profiles, instance
 * metadata) so nothing on the machine running the tests can change what the SDK sends.
 */
export function useFakeAwsCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID = FAKE_AWS_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = FAKE_AWS_CREDENTIALS.secretAccessKey;
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
}

export interface StoreFactory {
  /** Passed as `resolveConfiguration(env, { store })`: the production wiring (SDK client behind the cache). */
  readonly factory: (secrets: Config['secrets']) => SecretStore;
  /** Fetch attempts made through the SDK client, successful or not. */
  attempts(): number;
  /** Destroys every SDK client the factory built. */
  close(): void;
}

export function awsStoreFactory(now?: () => number): StoreFactory {
  const closers: (() => void)[] = [];
  let attempts = 0;
  return {
    factory: (secrets) => {
      const fetcher = createAwsSecretFetcher({
        region: secrets.region,
        endpoint: secrets.endpoint,
        timeoutMs: 2_000,
      });
      closers.push(fetcher.close);
      const counted: SecretFetcher = (name, stage) => {
        attempts += 1;
        return fetcher.fetch(name, stage);
      };
      return new CachedSecretStore(counted, secrets.cacheTtlMs, now);
    },
    attempts: () => attempts,
    close: () => closers.splice(0).forEach((close) => close()),
  };
}

/** A `sleep` that returns at once and records each requested delay. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; delays: number[] } {
  const delays: number[] = [];
  return { sleep: (ms) => (delays.push(ms), Promise.resolve()), delays };
}
