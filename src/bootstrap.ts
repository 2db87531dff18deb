import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import type { Config, SecretsConfig } from './config/config';
import { loadConfig, type RawEnv } from './config/load-config';
import { createAwsSecretStore } from './platform/secrets/aws-secrets-manager';
import type { SecretStore, Sleep } from './platform/secrets/secret-store';
import { startupSecretReader } from './platform/secrets/startup-read';

/**
 * The environment the service reads: process variables over a `.env` file in the working
 * directory. The file is read outside production only; in production, configuration comes from
 * the task definition and Secrets Manager.
 */
export function readEnvironment(processEnv: RawEnv, cwd: string): RawEnv {
  const file = path.join(cwd, '.env');
  if (processEnv.NODE_ENV === 'production' || !existsSync(file)) return processEnv;
  return { ...parseDotenv(readFileSync(file)), ...processEnv };
}

export interface SecretWiring {
  /** Builds the secret store once the AWS settings are known; default: Secrets Manager behind the cache. */
  readonly store?: (settings: SecretsConfig) => SecretStore;
  /** Waits between start-up attempts to read a secret (tests pass one that does not wait). */
  readonly sleep?: Sleep;
}

export interface ResolvedConfiguration {
  readonly config: Config;
  /** The store secrets were read through, for components that re-read rotated values. */
  readonly secrets: SecretStore | undefined;
}

const awsSecretStore = (settings: SecretsConfig): SecretStore =>
  createAwsSecretStore({
    region: settings.region,
    endpoint: settings.endpoint,
    cacheTtlMs: settings.cacheTtlMs,
  }).store;

/** Resolves configuration before anything is built: environment, then Secrets Manager, then defaults. */
export async function resolveConfiguration(
  env: RawEnv,
  wiring: SecretWiring = {},
): Promise<ResolvedConfiguration> {
  let store: SecretStore | undefined;
  const { config } = await loadConfig({
    env,
    secretReader: (settings) => {
      store = (wiring.store ?? awsSecretStore)(settings);
      return startupSecretReader(store, settings.startupAttempts, settings.startupBackoffMs, wiring.sleep);
    },
  });
  return { config, secrets: store };
}
