import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { type LoadedConfig, loadConfig, type RawEnv } from './config/load-config';
import { createAwsSecretStore } from './platform/secrets/aws-secrets-manager';

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

/** Resolves configuration before anything is built: environment, then Secrets Manager, then defaults. */
export function resolveConfiguration(env: RawEnv): Promise<LoadedConfig> {
  return loadConfig({
    env,
    secretStore: (secrets) =>
      createAwsSecretStore({
        region: secrets.region,
        endpoint: secrets.endpoint,
        cacheTtlMs: secrets.cacheTtlMs,
      }).store,
  });
}
