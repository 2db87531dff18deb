import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../../core/errors';

/**
 * Signed per-recipient links. `manage`: read and change one's settings (sent only to the address
 * itself, so using it also proves the address: double opt-in); it expires. `unsubscribe`: the
 * link and List-Unsubscribe header of every e-mail; it does not expire (mail is read late), and
 * does nothing but unsubscribe. Both carry the recipient's token version: raising it revokes them.
 * Format: base64url(JSON payload) "." base64url(HMAC-SHA256(secret, purpose "." payload)).
 */
export type TokenPurpose = 'manage' | 'unsubscribe';

interface TokenPayload {
  /** recipient id */
  readonly r: number;
  /** token version */
  readonly v: number;
  /** expiry, epoch seconds (manage only) */
  readonly e?: number;
}

export interface RecipientClaim {
  readonly recipientId: number;
  readonly version: number;
}

const MAX_TOKEN_LENGTH = 512;

export class NotificationTokens {
  constructor(
    private readonly secret: string,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  sign(purpose: TokenPurpose, claim: RecipientClaim): string {
    const payload: TokenPayload = {
      r: claim.recipientId,
      v: claim.version,
      ...(purpose === 'manage' ? { e: Math.floor((this.now() + this.ttlMs) / 1000) } : {}),
    };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.mac(purpose, body)}`;
  }

  /** The claim of a valid token for `purposes`, or FORBIDDEN (forged, altered, expired, other purpose). */
  verify(token: string, purposes: readonly TokenPurpose[]): RecipientClaim {
    const forbidden = () => new DomainError('FORBIDDEN', 'the notification token is invalid or has expired');
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw forbidden();
    const [body, mac, extra] = token.split('.');
    if (!body || !mac || extra !== undefined) throw forbidden();
    const purpose = purposes.find((p) => safeEqual(this.mac(p, body), mac));
    if (!purpose) throw forbidden();
    let payload: TokenPayload;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenPayload;
    } catch {
      throw forbidden();
    }
    if (!Number.isInteger(payload.r) || !Number.isInteger(payload.v)) throw forbidden();
    if (purpose === 'manage' && !(typeof payload.e === 'number' && payload.e * 1000 > this.now()))
      throw forbidden();
    return { recipientId: payload.r, version: payload.v };
  }

  private mac(purpose: TokenPurpose, body: string): string {
    return createHmac('sha256', this.secret).update(`${purpose}.${body}`).digest('base64url');
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
