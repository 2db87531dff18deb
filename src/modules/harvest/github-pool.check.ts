import type { CheckResult, HealthCheck, HealthDetails } from '../../core/health';
import type { TokenPool } from '../../platform/github/token-pool';

/**
 * GitHub access from the token pool's live state: per token (masked) its budget left per
 * resource and whether it rests or was rejected; never a token value. Degraded when working
 * unauthenticated (no token configured: 60 requests an hour), when some token was rejected (401),
 * when every token is out of core budget, or when the token secret could not be re-read. Down when
 * every configured token was rejected: harvesting is paused (jobs wait, they do not fail) until
 * the token secret holds a valid token, and the message says so.
 */
export function githubPoolCheck(pool: Pick<TokenPool, 'snapshot' | 'reload'>): HealthCheck {
  return {
    name: 'github',
    required: false,
    async check(): Promise<CheckResult> {
      await pool.reload(); // the token list as configured now (cheap: the secret is cached)
      const snapshot = pool.snapshot();
      const valid = snapshot.tokens.filter((t) => t.valid);
      const invalid = snapshot.tokens.length - valid.length;
      const details: HealthDetails = {
        mode: snapshot.mode,
        validTokens: valid.length,
        invalidTokens: invalid,
      };
      // One line per token, by masked id: "valid; core 4990/5000 (resting until ...); graphql ...".
      for (const t of snapshot.tokens) {
        const budgets = Object.entries(t.resources).map(
          ([resource, b]) =>
            `${resource} ${b.remaining}/${b.limit}${b.restingUntil ? ` (resting until ${b.restingUntil})` : ''}`,
        );
        details[`token ${t.id}`] = [t.valid ? 'valid' : `rejected since ${t.invalidSince}`, ...budgets].join(
          '; ',
        );
      }
      const problems: string[] = [];
      if (snapshot.mode === 'paused') {
        const message =
          'harvesting is paused: every GitHub token was rejected (401); harvests wait (they do not fail) ' +
          'and resume by themselves once the token secret holds a valid token (re-read every ' +
          'SECRETS_CACHE_TTL_MS and on each 401)';
        return { status: 'down', message, details: { ...details, paused: true } };
      }
      if (snapshot.mode === 'unauthenticated')
        problems.push(snapshot.reason ?? 'unauthenticated (60 requests/hour)');
      else if (invalid > 0) problems.push(`${invalid} GitHub token(s) rejected (401)`);
      if (valid.length > 0 && valid.every((t) => t.resources.core?.restingUntil !== undefined))
        problems.push('every GitHub token is out of core rate limit until its reset');
      if (snapshot.providerError)
        problems.push(`GitHub tokens could not be re-read: ${snapshot.providerError}`);
      return problems.length === 0
        ? { status: 'ok', details }
        : { status: 'degraded', message: problems.join('; '), details };
    },
  };
}
