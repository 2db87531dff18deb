import { secretsSchema } from './service-settings';
import { type Config, configSchema, crossFieldProblems, type SecretsConfig } from './config';
import { type Env, envSchema, type EnvKey } from './env-schema';
import { SECRET_FIELDS, SECRET_NAME_SETTING, type SecretKind, settingsFromSecret } from './secret-mapping';
import type { SecretFailure, SecretReader } from './secret-source';
import { caFileProblem } from './ca-file';

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
  /**
   * Opens the reader of the secrets named by `AWS_*_SECRET_NAME` once the AWS settings are known;
   * called only when a secret name is set. Retries are the reader's business.
   */
  readonly secretReader?: (settings: SecretsConfig) => SecretReader;
}

export interface LoadedConfig {
  readonly config: Config;
}

type Settings = Partial<Record<EnvKey, string>>;

const KEYS = Object.keys(envSchema.shape) as EnvKey[];

/** What an operator should check for each kind of failure to read a secret. */
const HINTS: Record<Exclude<SecretFailure['kind'], 'unexpected'>, string> = {
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

/** Reads one secret and maps it onto settings, or says why it could not. */
async function readSecret(
  kind: SecretKind,
  name: string,
  reader: SecretReader,
  secrets: SecretsConfig,
): Promise<{ settings: Settings } | { problem: string }> {
  const read = await reader(name);
  if ('value' in read) return settingsFromSecret(kind, name, read.value);
  const { failure } = read;
  const where = secrets.endpoint
    ? `endpoint ${secrets.endpoint}, region ${secrets.region}`
    : `region ${secrets.region}`;
  const prefix = `${SECRET_NAME_SETTING[kind]}: could not read secret "${name}" from Secrets Manager (${where})`;
  if (failure.kind === 'unexpected') {
    return { problem: `${prefix} after ${failure.attempts} attempt(s): ${failure.detail}` };
  }
  const tries = failure.retryable ? `after ${failure.attempts} attempt(s)` : 'not retried';
  return { problem: `${prefix}: ${failure.detail}, ${tries}; ${HINTS[failure.kind]}` };
}

/**
 * Resolves configuration: environment variables, then the Secrets Manager secrets named by
 * `AWS_*_SECRET_NAME`, then defaults. Throws `ConfigError` listing every problem at once.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const fromEnv = pickSettings(options.env);
  const aws = secretsSchema.safeParse(fromEnv);
  if (!aws.success) {
    // Secrets cannot be read without valid AWS settings; report every problem of the environment.
    throw new ConfigError(settingIssues(fromEnv).map((i) => `${i.key}: ${i.message}`));
  }
  const secrets = aws.data;

  const problems: string[] = [];
  const fromSecrets: Settings = {};
  /** Where each setting taken from a secret came from, so a bad value can be traced to its field. */
  const origins = new Map<string, string>();
  /** Settings a secret that failed would have provided: problems about them only repeat that failure. */
  const unresolved = new Set<string>();
  const kinds = (Object.keys(SECRET_NAME_SETTING) as SecretKind[]).filter((k) => secrets.names[k]);
  if (kinds.length > 0) {
    if (!options.secretReader) {
      throw new ConfigError(['AWS_*_SECRET_NAME: set, but no secret store is available']);
    }
    const reader = options.secretReader(secrets);
    const results = await Promise.all(
      kinds.map((kind) => readSecret(kind, secrets.names[kind]!, reader, secrets)),
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
  return { config: configSchema.parse(merged) }; // cannot fail: no problem was found
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
  const snsCa = caFileProblem(env.SNS_CERT_CA_PATH);
  if (snsCa) problems.push(`SNS_CERT_CA_PATH: ${snsCa}`);
  return problems.map((p) => {
    const at = p.indexOf(': ');
    return at > 0 ? { key: p.slice(0, at), message: p.slice(at + 2) } : { key: '(root)', message: p };
  });
}
