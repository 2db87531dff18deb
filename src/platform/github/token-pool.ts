import type { Logger } from '../logging/logger';
import { IdentityBudget, type ResourceBudgetSnapshot, type RestReason } from './identity-budget';
import { budgetFromHeaders, type HeaderBag } from './rate-limit-signals';
import { DEFAULT_LIMITS, type RateLimitResource } from './rate-limit-resource';
import { type PaceVerdict, RequestPacer } from './request-pacer';
import { maskToken } from './token-fingerprint';
import type { TokenProvider } from './token-provider';

export interface TokenPoolOptions {
  readonly provider: TokenProvider;
  readonly logger: Logger;
  readonly now?: () => number;
  /** Secondary-limit pacing per token (default: GitHub's documented limits, with a margin). */
  readonly pacer?: RequestPacer;
}

/** The identity one request is sent with. `token` undefined means unauthenticated. */
export interface TokenLease {
  readonly token: string | undefined;
  /** Masked id (`ghp_…3f9a2c1d`) or `unauthenticated`: safe to log. */
  readonly id: string;
  readonly resource: RateLimitResource;
}

export type TokenAcquisition =
  | { readonly kind: 'ready'; readonly lease: TokenLease }
  /** Every usable identity rests for this resource: retry at `until` (epoch ms) at the earliest. */
  | { readonly kind: 'wait'; readonly until: number; readonly reason: RestReason }
  /** Every usable token has as many requests in flight as pacing allows: retry once one ends. */
  | { readonly kind: 'busy'; readonly released: Promise<void> };

export interface TokenSnapshot {
  readonly id: string;
  readonly valid: boolean;
  readonly invalidSince: string | undefined;
  readonly resources: Readonly<Partial<Record<RateLimitResource, ResourceBudgetSnapshot>>>;
}

/** The pool's state for health: budgets per token, masked; never a token value. */
export interface TokenPoolSnapshot {
  readonly mode: 'authenticated' | 'unauthenticated';
  /** Why the pool works unauthenticated (no tokens configured, or every token rejected). */
  readonly reason: string | undefined;
  readonly tokens: readonly TokenSnapshot[];
  readonly unauthenticated: Readonly<Partial<Record<RateLimitResource, ResourceBudgetSnapshot>>>;
  /** The last failure to read the token list (the pool keeps the previous list meanwhile). */
  readonly providerError: string | undefined;
}

interface PooledToken {
  readonly token: string;
  readonly id: string;
  readonly budget: IdentityBudget;
  invalidSince: number | undefined;
}

export const UNAUTHENTICATED_ID = 'unauthenticated';

/**
 * GitHub tokens and their rate-limit budgets. Each request takes the token with the most budget
 * left for its resource; an exhausted token rests until its reset, a secondary limit rests the
 * token for `retry-after`; a token GitHub rejects (401) is dropped and the provider is re-read at
 * once (a rotated secret replaces it). With no usable token, requests go unauthenticated (GitHub
 * allows 60 an hour) and the snapshot says so. The token list is re-read on every acquisition;
 * the provider (a TTL-cached secret) keeps that cheap.
 */
export class TokenPool {
  private readonly tokens = new Map<string, PooledToken>();
  private readonly anonymous = new IdentityBudget(DEFAULT_LIMITS.unauthenticated);
  private providerError: string | undefined;
  private loaded = false;
  private lastMode: TokenPoolSnapshot['mode'] | undefined;
  private readonly now: () => number;
  readonly pacer: RequestPacer;

  constructor(private readonly options: TokenPoolOptions) {
    this.now = options.now ?? Date.now;
    this.pacer = options.pacer ?? new RequestPacer();
  }

  /** Re-reads the token list (`refresh` forces the secret to be fetched again). */
  async reload(refresh = false): Promise<void> {
    let list: readonly string[];
    try {
      list = await this.options.provider({ refresh });
      this.providerError = undefined;
    } catch (error) {
      const message = error instanceof Error ? error.message : 'token provider failed';
      // Re-read before every request: log a failure once, not once per request.
      const repeated = message === this.providerError;
      this.providerError = message;
      if (repeated) return;
      if (this.loaded) {
        this.options.logger.warn(
          { error: this.providerError },
          'could not re-read GitHub tokens; keeping the current list',
        );
      } else {
        this.options.logger.error({ error: this.providerError }, 'could not read GitHub tokens');
      }
      return;
    }
    this.loaded = true;
    const wanted = new Set(list);
    for (const [token, pooled] of this.tokens) {
      if (wanted.has(token)) continue;
      this.tokens.delete(token);
      this.options.logger.info({ tokenId: pooled.id }, 'GitHub token removed from the pool');
    }
    for (const token of wanted) {
      if (this.tokens.has(token)) continue;
      const pooled = {
        token,
        id: maskToken(token),
        budget: new IdentityBudget(DEFAULT_LIMITS.authenticated),
        invalidSince: undefined,
      };
      this.tokens.set(token, pooled);
      if (this.lastMode !== undefined)
        this.options.logger.info({ tokenId: pooled.id }, 'GitHub token added to the pool');
    }
    this.noteMode();
  }

  /** Whether requests would be authenticated (GraphQL needs that; events work without). */
  async hasUsableTokens(): Promise<boolean> {
    await this.reload();
    return this.validTokens().length > 0;
  }

  /**
   * A token for one request: `prefer` (a token id) when that token can send it now (the token
   * holding a URL's ETag revalidates it: GitHub's ETags are per token), else the token with the
   * most budget left among those pacing lets send now.
   */
  async acquire(resource: RateLimitResource, prefer?: string): Promise<TokenAcquisition> {
    await this.reload();
    const now = this.now();
    const valid = this.validTokens();
    if (valid.length === 0) {
      const available = this.anonymous.available(resource, now);
      if (available === undefined) {
        return {
          kind: 'wait',
          until: this.anonymous.restingUntil(resource, now) ?? now,
          reason: 'exhausted',
        };
      }
      this.anonymous.begin(resource, now);
      return { kind: 'ready', lease: { token: undefined, id: UNAUTHENTICATED_ID, resource } };
    }
    let best: PooledToken | undefined;
    let bestAvailable = -Infinity;
    const paced: PaceVerdict[] = [];
    for (const pooled of valid) {
      const available = pooled.budget.available(resource, now);
      if (available === undefined) continue;
      const pace = this.pacer.check(pooled.id, resource, now);
      if (pace.kind !== 'go') {
        paced.push(pace);
        continue;
      }
      if (pooled.id === prefer && available > 0) {
        best = pooled;
        break;
      }
      // Most budget first; on a tie the least recently used, so equal tokens take turns.
      const better =
        available > bestAvailable ||
        (available === bestAvailable &&
          best !== undefined &&
          pooled.budget.lastUsedAt(resource) < best.budget.lastUsedAt(resource));
      if (better) {
        best = pooled;
        bestAvailable = available;
      }
    }
    if (!best && paced.length > 0) return this.pacedWait(paced);
    if (!best) {
      const until = Math.min(...valid.map((p) => p.budget.restingUntil(resource, now) ?? now));
      return { kind: 'wait', until, reason: 'exhausted' };
    }
    best.budget.begin(resource, now);
    this.pacer.begin(best.id, resource, now);
    return { kind: 'ready', lease: { token: best.token, id: best.id, resource } };
  }

  /** Every token with budget is held back by pacing: for a free slot, or for the next minute. */
  private pacedWait(paced: readonly PaceVerdict[]): TokenAcquisition {
    if (paced.some((p) => p.kind === 'busy')) return { kind: 'busy', released: this.pacer.released() };
    const until = Math.min(...paced.map((p) => (p.kind === 'later' ? p.until : Infinity)));
    return { kind: 'wait', until, reason: 'paced' };
  }

  /** Ends a lease's request (call once per successful `acquire`). */
  release(lease: TokenLease): void {
    this.budgetOf(lease)?.end(lease.resource);
    if (lease.token !== undefined) this.pacer.end(lease.id);
  }

  /** Records the budget a response reported for the lease's identity. */
  observe(lease: TokenLease, headers: HeaderBag | undefined): void {
    const observation = budgetFromHeaders(headers);
    const budget = this.budgetOf(lease);
    if (!observation || !budget) return;
    const resource = observation.resource ?? lease.resource;
    if (budget.observe(resource, observation, this.now())) {
      this.options.logger.info(
        { tokenId: lease.id, resource, until: new Date(observation.resetAt ?? this.now()).toISOString() },
        'GitHub rate limit exhausted; token rests until its reset',
      );
    }
  }

  /** Keeps the lease's identity off this resource until `until` (epoch ms). */
  rest(lease: TokenLease, until: number, reason: RestReason): void {
    if (!this.budgetOf(lease)?.rest(lease.resource, until, reason)) return;
    this.options.logger.info(
      { tokenId: lease.id, resource: lease.resource, until: new Date(until).toISOString(), reason },
      reason === 'secondary-limit'
        ? 'GitHub secondary rate limit; token waits'
        : 'GitHub rate limit exhausted; token rests until its reset',
    );
  }

  /** After a 401: stop using the token and re-read the provider (a rotated secret). */
  async invalidate(lease: TokenLease): Promise<void> {
    const pooled = lease.token === undefined ? undefined : this.tokens.get(lease.token);
    if (pooled && pooled.invalidSince === undefined) {
      pooled.invalidSince = this.now();
      this.options.logger.warn(
        { tokenId: pooled.id },
        'GitHub rejected a token (401 Bad credentials); it is no longer used and the token secret is re-read',
      );
    }
    await this.reload(true);
  }

  snapshot(): TokenPoolSnapshot {
    const now = this.now();
    const tokens = [...this.tokens.values()].map((p) => ({
      id: p.id,
      valid: p.invalidSince === undefined,
      invalidSince: p.invalidSince === undefined ? undefined : new Date(p.invalidSince).toISOString(),
      resources: p.budget.snapshot(now),
    }));
    const authenticated = this.validTokens().length > 0;
    return {
      mode: authenticated ? 'authenticated' : 'unauthenticated',
      reason: authenticated ? undefined : this.unauthenticatedReason(),
      tokens,
      unauthenticated: this.anonymous.snapshot(now),
      providerError: this.providerError,
    };
  }

  private validTokens(): PooledToken[] {
    return [...this.tokens.values()].filter((p) => p.invalidSince === undefined);
  }

  private budgetOf(lease: TokenLease): IdentityBudget | undefined {
    return lease.token === undefined ? this.anonymous : this.tokens.get(lease.token)?.budget;
  }

  private unauthenticatedReason(): string {
    if (this.tokens.size > 0)
      return 'every GitHub token was rejected (401); working unauthenticated (60 requests an hour)';
    if (this.providerError)
      return `GitHub tokens could not be read; working unauthenticated (60 requests an hour)`;
    return 'no GitHub token configured; working unauthenticated (60 requests an hour)';
  }

  /** Logs when the pool switches between authenticated and unauthenticated work. */
  private noteMode(): void {
    const mode: TokenPoolSnapshot['mode'] =
      this.validTokens().length > 0 ? 'authenticated' : 'unauthenticated';
    if (mode === this.lastMode) return;
    this.lastMode = mode;
    if (mode === 'unauthenticated')
      this.options.logger.warn({ reason: this.unauthenticatedReason() }, 'GitHub client is unauthenticated');
    else
      this.options.logger.info({ tokenCount: this.validTokens().length }, 'GitHub client is authenticated');
  }
}
