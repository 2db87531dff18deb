import type { EnvKey } from './env-schema';

/**
 * How each Secrets Manager secret's JSON maps onto settings. A secret fills only settings the
 * environment leaves unset (environment > secret > default). Fields the mapping does not know are
 * ignored, because managed secrets carry extras (RDS adds `engine`, `dbInstanceIdentifier`, ...).
 */
export type SecretKind = 'database' | 'redis' | 'github' | 'ses';

export const SECRET_NAME_SETTING: Record<SecretKind, EnvKey> = {
  database: 'AWS_DB_SECRET_NAME',
  redis: 'AWS_REDIS_SECRET_NAME',
  github: 'AWS_GITHUB_SECRET_NAME',
  ses: 'AWS_SES_SECRET_NAME',
};

/** Secret field -> setting, per kind. The github secret is read by `githubTokensFrom` instead. */
export const SECRET_FIELDS: Record<SecretKind, Readonly<Record<string, EnvKey>>> = {
  database: {
    host: 'DB_HOST',
    port: 'DB_PORT',
    username: 'DB_USER',
    password: 'DB_PASSWORD',
    dbname: 'DB_NAME',
    ssl: 'DB_SSL',
  },
  redis: {
    host: 'REDIS_HOST',
    port: 'REDIS_PORT',
    username: 'REDIS_USERNAME',
    password: 'REDIS_PASSWORD',
    tls: 'REDIS_TLS',
  },
  github: { tokens: 'GITHUB_TOKENS' },
  ses: {
    region: 'SES_REGION',
    fromEmail: 'SES_FROM_EMAIL',
    fromName: 'SES_FROM_NAME',
    replyToEmail: 'SES_REPLY_TO_EMAIL',
    configurationSetName: 'SES_CONFIGURATION_SET',
  },
};

/** The settings a secret's string value provides, or a problem message (never containing a value). */
export function settingsFromSecret(
  kind: SecretKind,
  secretName: string,
  raw: string,
): { settings: Partial<Record<EnvKey, string>> } | { problem: string } {
  const where = `${SECRET_NAME_SETTING[kind]}: secret "${secretName}"`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    // A plaintext github secret (or a JSON string, below) is taken as a comma-separated token list.
    if (kind === 'github' && raw.trim() !== '' && !/^[[{"]/.test(raw.trim()))
      return githubSettings(where, raw);
    // JSON.parse's message quotes the text it choked on (the secret itself), so only the position is kept.
    const position = error instanceof Error ? /at position (\d+)/.exec(error.message)?.[1] : undefined;
    return { problem: `${where} is not valid JSON${position ? ` (error at character ${position})` : ''}` };
  }
  if (kind === 'github' && typeof parsed === 'string') return githubSettings(where, parsed);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    const got = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
    return { problem: `${where} must be a JSON object, but holds ${got}` };
  }
  const obj = parsed as Record<string, unknown>;
  if (kind === 'github') {
    const tokens = githubTokensFrom(obj);
    if (tokens === undefined) {
      return {
        problem: `${where} must hold "tokens" (an array of strings or a comma-separated string) or "value"`,
      };
    }
    return githubSettings(where, tokens.join(','));
  }
  const settings: Partial<Record<EnvKey, string>> = {};
  const badFields: string[] = [];
  for (const [field, key] of Object.entries(SECRET_FIELDS[kind])) {
    const value = obj[field];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      settings[key] = String(value);
    } else badFields.push(`"${field}"`);
  }
  if (badFields.length > 0) {
    const fields = badFields.length === 1 ? `field ${badFields[0]}` : `fields ${badFields.join(', ')}`;
    return { problem: `${where}: ${fields} must be a string, number or boolean` };
  }
  return { settings };
}

function githubSettings(
  where: string,
  list: string,
): { settings: Partial<Record<EnvKey, string>> } | { problem: string } {
  const tokens = list
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  // An empty list would start the service with no GitHub access at all, silently.
  if (tokens.length === 0) return { problem: `${where} holds no tokens` };
  return { settings: { GITHUB_TOKENS: tokens.join(',') } };
}

/** Accepts `{"tokens": [..]}`, `{"tokens": "a,b"}` and `{"value": "a,b"}`. */
export function githubTokensFrom(obj: Record<string, unknown>): string[] | undefined {
  const source = obj.tokens ?? obj.value;
  const list = Array.isArray(source) ? source : typeof source === 'string' ? source.split(',') : undefined;
  if (!list || !list.every((t) => typeof t === 'string')) return undefined;
  return (list as string[]).map((t) => t.trim()).filter(Boolean);
}
