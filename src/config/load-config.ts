import { type Config, crossFieldProblems, secretsConfig, toConfig } from './config';
import { type Env, envSchema, type EnvKey } from './env-schema';
import { SECRET_FIELDS, SECRET_NAME_SETTING, type SecretKind, settingsFromSecret } from './secret-mapping';
import { caFileProblem } from './ca-file';
import { SecretError, type SecretStore, withBackoff } from '../platform/secrets/secret-store';

/** Start-up stops with this error; its message lists every problem, one a line, and no value. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
    super(`Invalid configuration (${count}):\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export type RawEnv = Readonly<Record<string, string | undefined>>;

export interface LoadConfigOptions {
  /** Environment variables (usually `process.env` merged over a `.env` file). */
  readonly env: RawEnv;
  /** Builds the secret store once the AWS settings are known; called only when a secret name is set. */
  readonly secretStore?: (config: Config['secrets']) => SecretStore;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface LoadedConfig {
  readonly config: Config;
  /** The store secrets were read through, for components that re-read rotated values. */
  readonly secrets: SecretStore | undefined;
}

type Settings = Partial<Record<EnvKey, string>>;

const KEYS = Object.keys(envSchema.shape) as EnvKey[];

const awsSchema = envSchema.pick({
  AWS_REGION: true,
  AWS_ENDPOINT_URL_SECRETS_MANAGER: true,
  AWS_DB_SECRET_NAME: true,
  AWS_REDIS_SECRET_NAME: true,
  AWS_GITHUB_SECRET_NAME: true,
  AWS_SES_SECRET_NAME: true,
  SECRETS_CACHE_TTL_MS: true,
  SECRETS_STARTUP_ATTEMPTS: true,
  SECRETS_STARTUP_BACKOFF_MS: true,
});

/** What an operator should check for each kind of failure to read a secret. */
const HINTS: Record<SecretError['kind'], string> = {
  not_found: 'check the secret name and AWS_REGION',
  access_denied:
    'check the AWS credentials and that the role may call secretsmanager:GetSecretValue (and kms:Decrypt on its key)',
  unreachable:
    'check network access to Secrets Manager (VPC endpoint or NAT) and AWS_ENDPOINT_URL_SECRETS_MANAGER',
  invalid: 'check the secret is not scheduled for deletion',
  other: 'Secrets Manager is throttling or failing; try again later',
};

/** Only the schema's keys; empty or blank values count as unset (as in `DB_HOST=` in a .env file). */
function pickSettings(env: RawEnv): Settings {
  const out: Settings = {};
  for (const key of KEYS) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') out[key] = value;
  }
  return out;
}

interface Issue {
  readonly key: string;
  readonly message: string;
}

function schemaIssues(error: {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}): Issue[] {
  return error.issues.map((issue) => ({
    key: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}

/** Reads one secret (retrying what may pass) and maps it onto settings, or says why it could not. */
async function readSecret(
  kind: SecretKind,
  name: string,
  store: SecretStore,
  secrets: Config['secrets'],
  sleep: LoadConfigOptions['sleep'],
): Promise<{ settings: Settings } | { problem: string }> {
  let attempts = 0;
  let raw: string;
  try {
    raw = await withBackoff(
      () => {
        attempts += 1;
        return store.get(name);
      },
      secrets.startupAttempts,
      secrets.startupBackoffMs,
      sleep,
    );
  } catch (error) {
    const where = secrets.endpoint
      ? `endpoint ${secrets.endpoint}, region ${secrets.region}`
      : `region ${secrets.region}`;
    const prefix = `${SECRET_NAME_SETTING[kind]}: could not read secret "${name}" from Secrets Manager (${where})`;
    // SecretError messages are ours and hold no value; other errors are described by name only.
    if (!(error instanceof SecretError)) {
      const what = error instanceof Error ? error.name : 'unknown error';
      return { problem: `${prefix} after ${attempts} attempt(s): ${what}` };
    }
    const tries = error.retryable ? `after ${attempts} attempt(s)` : 'not retried';
    return { problem: `${prefix}: ${error.detail}, ${tries}; ${HINTS[error.kind]}` };
  }
  return settingsFromSecret(kind, name, raw);
}

/**
 * Resolves configuration: environment variables, then the Secrets Manager secrets named by
 * `AWS_*_SECRET_NAME`, then defaults. Throws `ConfigError` listing every problem at once.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const fromEnv = pickSettings(options.env);
  const aws = awsSchema.safeParse(fromEnv);
  if (!aws.success) {
    // Secrets cannot be read without valid AWS settings; report every problem of the environment.
    throw new ConfigError(settingIssues(fromEnv).map((i) => `${i.key}: ${i.message}`));
  }
  const secrets = secretsConfig(aws.data);

  const problems: string[] = [];
  const fromSecrets: Settings = {};
  /** Where each setting taken from a secret came from, so a bad value can be traced to its field. */
  const origins = new Map<string, string>();
  /** Settings a secret that failed would have provided: problems about them only repeat that failure. */
  const unresolved = new Set<string>();
  let store: SecretStore | undefined;
  const kinds = (Object.keys(SECRET_NAME_SETTING) as SecretKind[]).filter((k) => secrets.names[k]);
  if (kinds.length > 0) {
    if (!options.secretStore) {
      throw new ConfigError(['AWS_*_SECRET_NAME: set, but no secret store is available']);
    }
    store = options.secretStore(secrets);
    const results = await Promise.all(
      kinds.map((kind) => readSecret(kind, secrets.names[kind]!, store!, secrets, options.sleep)),
    );
    results.forEach((result, i) => {
      const kind = kinds[i]!;
      const fields = Object.entries(SECRET_FIELDS[kind]);
      if ('problem' in result) {
        problems.push(result.problem);
        for (const [, key] of fields) unresolved.add(key);
        return;
      }
      Object.assign(fromSecrets, result.settings);
      for (const [field, key] of fields) {
        if (result.settings[key] === undefined) continue;
        const at = kind === 'github' ? '' : `, field "${field}"`;
        origins.set(key, `from secret "${secrets.names[kind]}"${at}`);
      }
    });
  }

  const merged: Settings = { ...fromSecrets, ...fromEnv };
  const issues = settingIssues(merged);
  for (const { key, message } of issues) {
    const fromSecret = !(key in fromEnv);
    if (fromSecret && unresolved.has(key)) continue;
    const origin = fromSecret ? origins.get(key) : undefined;
    problems.push(`${key}${origin ? ` (${origin})` : ''}: ${message}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const env = envSchema.parse(merged); // cannot fail: no problem was found
  return { config: toConfig(env), secrets: store };
}

/** Every problem of a set of settings: per-setting schema problems, then the rules across settings. */
function settingIssues(settings: Settings): Issue[] {
  const parsed = envSchema.safeParse(settings);
  if (parsed.success) return ruleIssues(parsed.data);
  const bad = schemaIssues(parsed.error);
  // Check the rules too (with defaults in place of the bad values) so one run reports everything;
  // a rule that names a bad setting would only repeat that setting's problem, so it is dropped.
  const badKeys = new Set(bad.map((i) => i.key));
  const rest = envSchema.safeParse(
    Object.fromEntries(Object.entries(settings).filter(([k]) => !badKeys.has(k))),
  );
  if (!rest.success) return bad;
  const mentionsBad = (i: Issue): boolean =>
    [...badKeys].some((k) => new RegExp(`\\b${k}\\b`).test(`${i.key}: ${i.message}`));
  return [...bad, ...ruleIssues(rest.data).filter((i) => !mentionsBad(i))];
}

/** Cross-field rules and checks that look outside (the CA file), as key/message pairs. */
function ruleIssues(env: Env): Issue[] {
  const problems = crossFieldProblems(env);
  const ca = caFileProblem(env.DB_SSL_CA_PATH);
  if (ca) problems.push(`DB_SSL_CA_PATH: ${ca}`);
  const redisCa = caFileProblem(env.REDIS_TLS_CA_PATH);
  if (redisCa) problems.push(`REDIS_TLS_CA_PATH: ${redisCa}`);
  return problems.map((p) => {
    const at = p.indexOf(': ');
    return at > 0 ? { key: p.slice(0, at), message: p.slice(at + 2) } : { key: '(root)', message: p };
  });
}
