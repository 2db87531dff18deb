import { GITHUB_TOKEN_PATTERN } from '../../config/config';
import { settingsFromSecret } from '../../config/secret-mapping';
import type { SecretStore } from '../secrets/secret-store';

/**
 * Where the token pool gets its tokens. Called before requests; `refresh: true` after GitHub
 * answered 401, to re-read a rotated secret at once instead of waiting for the cache TTL.
 * It never returns an unusable list silently: a malformed secret is an error.
 */
export type TokenProvider = (options?: { readonly refresh?: boolean }) => Promise<readonly string[]>;

export interface TokenProviderOptions {
  /**
   * Tokens known at start-up (`GITHUB_TOKENS`; bootstrap may have filled it from the secret).
   * Used alone when no secret is configured, or until the secret has been read once.
   */
  readonly staticTokens?: readonly string[];
  /** The secret store (Secrets Manager behind a TTL cache). */
  readonly secrets?: SecretStore;
  /** The secret holding `{"tokens":[..]}`, `{"tokens":"a,b"}`, `{"value":"a,b"}` or `a,b`. */
  readonly secretName?: string;
}

/** Error for a secret that holds no tokens; names the secret, never a value. */
export class TokenSecretError extends Error {
  constructor(secretName: string) {
    super(
      `secret "${secretName}" does not hold GitHub tokens ("tokens" as an array or comma-separated string, or "value")`,
    );
    this.name = 'TokenSecretError';
  }
}

/**
 * The tokens in a GitHub secret's string value, read by the same parser as at start-up (so a
 * re-read after rotation accepts exactly what bootstrap accepted), with the same token check.
 */
export function tokensFromSecret(secretName: string, raw: string): string[] {
  const result = settingsFromSecret('github', secretName, raw);
  if ('problem' in result) throw new TokenSecretError(secretName);
  const tokens = unique((result.settings.GITHUB_TOKENS ?? '').split(','));
  if (tokens.length === 0 || tokens.some((t) => !GITHUB_TOKEN_PATTERN.test(t)))
    throw new TokenSecretError(secretName);
  return tokens;
}

function unique(tokens: readonly string[]): string[] {
  return [...new Set(tokens.map((t) => t.trim()).filter(Boolean))];
}

/**
 * A provider over static tokens, or over the Secrets Manager secret when one is named: then every
 * call reads through `SecretStore.get` (cached for the store's TTL, so a rotation is seen within
 * one TTL) and `refresh` forces `SecretStore.refresh`.
 *
 * The secret wins over `staticTokens` when both are given, because bootstrap copies the secret's
 * value into `GITHUB_TOKENS` at start-up: preferring the static copy would never see a rotation
 * (the old service's defect). Before the first successful read, a failing secret falls back to
 * `staticTokens`; after it, failures propagate and the pool keeps the last good list.
 */
export function createTokenProvider(options: TokenProviderOptions): TokenProvider {
  const staticTokens = unique(options.staticTokens ?? []);
  const { secrets, secretName } = options;
  if (!secrets || !secretName) return async () => staticTokens;
  let readOnce = false;
  return async ({ refresh = false } = {}) => {
    try {
      const raw = refresh ? await secrets.refresh(secretName) : await secrets.get(secretName);
      const tokens = tokensFromSecret(secretName, raw);
      readOnce = true;
      return tokens;
    } catch (error) {
      if (!readOnce && staticTokens.length > 0) return staticTokens;
      throw error;
    }
  };
}
