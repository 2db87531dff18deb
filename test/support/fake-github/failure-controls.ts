/** A secondary (abuse) limit armed for one identity, or for every request. */
export interface SecondaryLimitPlan {
  /** GitHub answers 403 or 429 for secondary limits; default 403. */
  readonly status?: 403 | 429;
  /** Seconds sent in `retry-after`; `null` sends none (the client must then wait a minute). */
  readonly retryAfterSeconds?: number | null;
  /** How many requests it hits (default 1). */
  readonly times?: number;
  /** Only requests with this token (default: any request). */
  readonly token?: string;
}

interface ArmedSecondaryLimit {
  status: 403 | 429;
  retryAfterSeconds: number | null;
  remaining: number;
  identity: string | undefined;
}

/** The failures a test has armed; the server consults it before answering each request. */
export class FailureControls {
  private readonly revoked = new Set<string>();
  private readonly secondary: ArmedSecondaryLimit[] = [];
  private serverErrors: { remaining: number; status: number } = { remaining: 0, status: 502 };
  private resets = 0;

  constructor(private readonly acceptedTokens: Set<string> | undefined) {}

  /** Whether a token is known and not revoked (with no allow-list, any token is known). */
  isValidToken(token: string): boolean {
    if (this.revoked.has(token)) return false;
    return this.acceptedTokens === undefined || this.acceptedTokens.has(token);
  }

  revoke(token: string): void {
    this.revoked.add(token);
  }

  /** Accepts a token (e.g. one a test "rotates in"); it also un-revokes it. */
  accept(token: string): void {
    this.revoked.delete(token);
    this.acceptedTokens?.add(token);
  }

  armSecondaryLimit(plan: SecondaryLimitPlan): void {
    this.secondary.push({
      status: plan.status ?? 403,
      retryAfterSeconds: plan.retryAfterSeconds === undefined ? 60 : plan.retryAfterSeconds,
      remaining: plan.times ?? 1,
      identity: plan.token,
    });
  }

  /** The secondary limit this request runs into, if any (consumes one hit). */
  takeSecondaryLimit(identity: string): { status: 403 | 429; retryAfterSeconds: number | null } | undefined {
    const plan = this.secondary.find(
      (p) => p.remaining > 0 && (p.identity === undefined || p.identity === identity),
    );
    if (!plan) return undefined;
    plan.remaining--;
    return { status: plan.status, retryAfterSeconds: plan.retryAfterSeconds };
  }

  failNext(count: number, status: number): void {
    this.serverErrors = { remaining: count, status };
  }

  takeServerError(): number | undefined {
    if (this.serverErrors.remaining <= 0) return undefined;
    this.serverErrors.remaining--;
    return this.serverErrors.status;
  }

  resetNext(count: number): void {
    this.resets = count;
  }

  takeReset(): boolean {
    if (this.resets <= 0) return false;
    this.resets--;
    return true;
  }
}
