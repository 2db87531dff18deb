/**
 * What configuration needs from a secret store, declared here so `config/` depends on nothing else:
 * the caller (bootstrap) adapts the platform's Secrets Manager store, retries included, to this.
 */

/** Kinds of failure to read a secret; each gets its own advice to the operator. */
export type SecretFailureKind = 'not_found' | 'access_denied' | 'unreachable' | 'invalid' | 'other';

/** Why a secret could not be read, after whatever attempts the reader made. Never holds a value. */
export interface SecretFailure {
  /** `unexpected`: an error the reader does not classify; `detail` is then its name only. */
  readonly kind: SecretFailureKind | 'unexpected';
  /** What went wrong, without the secret's name or value (e.g. `not found (ResourceNotFoundException)`). */
  readonly detail: string;
  readonly attempts: number;
  /** Whether waiting could help (network failures, throttling); a missing secret is not retried. */
  readonly retryable: boolean;
}

export type SecretRead = { readonly value: string } | { readonly failure: SecretFailure };

/** Reads one secret at start-up: its string value, or why it could not be read. */
export type SecretReader = (name: string) => Promise<SecretRead>;
