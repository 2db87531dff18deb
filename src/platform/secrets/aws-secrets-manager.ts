import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CachedSecretStore, SecretError, type SecretErrorKind, type SecretFetcher } from './secret-store';

export interface AwsSecretsOptions {
  readonly region: string;
  /** A local endpoint for tests; undefined in production (the SDK's regional endpoint). */
  readonly endpoint: string | undefined;
  readonly timeoutMs?: number;
}

/** Exception names Secrets Manager (and the SDK's signer) use, and what each means for us. */
const KIND_BY_ERROR: Readonly<Record<string, SecretErrorKind>> = {
  ResourceNotFoundException: 'not_found',
  AccessDeniedException: 'access_denied',
  UnrecognizedClientException: 'access_denied',
  MissingAuthenticationTokenException: 'access_denied',
  InvalidSignatureException: 'access_denied',
  IncompleteSignatureException: 'access_denied',
  ExpiredTokenException: 'access_denied',
  DecryptionFailure: 'access_denied',
  // Raised before any request when no credentials are found: retrying will not find them.
  CredentialsProviderError: 'access_denied',
  InvalidRequestException: 'invalid',
  InvalidParameterException: 'invalid',
  ValidationException: 'invalid',
  ThrottlingException: 'other',
  InternalServiceError: 'other',
};

const DESCRIPTION: Readonly<Record<SecretErrorKind, string>> = {
  not_found: 'not found',
  access_denied: 'access denied',
  unreachable: 'Secrets Manager unreachable',
  invalid: 'request rejected',
  other: 'Secrets Manager failed',
};

interface SdkError {
  readonly name?: string;
  readonly code?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/** Classifies an SDK failure. Only names, codes and statuses are used: SDK messages are not shown. */
export function secretErrorFrom(secretName: string, error: unknown): SecretError {
  const err = (typeof error === 'object' && error !== null ? error : {}) as SdkError;
  const status = err.$metadata?.httpStatusCode;
  const known = err.name ? KIND_BY_ERROR[err.name] : undefined;
  // No HTTP status means no answer arrived (refused, reset, timed out, DNS): the network's fault.
  // An unknown 4xx is our request's fault and will fail the same way again; a 5xx may pass.
  const kind: SecretErrorKind =
    known ?? (status === undefined ? 'unreachable' : status >= 500 || status === 429 ? 'other' : 'invalid');
  // Network errors carry the useful part in `code` (ECONNREFUSED, ENOTFOUND, ETIMEDOUT).
  const cause = [
    err.name && err.name !== 'Error' ? err.name : undefined,
    err.code,
    status && `HTTP ${status}`,
  ]
    .filter(Boolean)
    .join(', ');
  // The SDK found no credentials at all (no env keys, no role): say so rather than "access denied".
  const what = err.name === 'CredentialsProviderError' ? 'no AWS credentials found' : DESCRIPTION[kind];
  return new SecretError(secretName, kind, `${what} (${cause || 'unknown error'})`);
}

/** Reads secret strings from AWS Secrets Manager; errors name the secret and never a value. */
export function createAwsSecretFetcher(options: AwsSecretsOptions): { fetch: SecretFetcher; close(): void } {
  const timeout = options.timeoutMs ?? 5_000;
  const client = new SecretsManagerClient({
    region: options.region,
    endpoint: options.endpoint,
    // Retries are ours (withBackoff at start-up, the store's stale-on-error afterwards), so the
    // SDK's own retries would only multiply attempts and hide how many were made.
    maxAttempts: 1,
    requestHandler: { requestTimeout: timeout, connectionTimeout: timeout },
  });
  const fetch: SecretFetcher = async (name, stage) => {
    let output;
    try {
      output = await client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: stage }));
    } catch (error) {
      throw secretErrorFrom(name, error);
    }
    if (output.SecretString !== undefined) return output.SecretString;
    if (output.SecretBinary !== undefined) return Buffer.from(output.SecretBinary).toString('utf8');
    throw new SecretError(name, 'invalid', 'has no value');
  };
  return { fetch, close: () => client.destroy() };
}

export interface AwsSecretStoreOptions extends AwsSecretsOptions {
  readonly cacheTtlMs: number;
  readonly now?: () => number;
}

/** The production store: Secrets Manager behind the TTL cache. `close()` releases the SDK client. */
export function createAwsSecretStore(options: AwsSecretStoreOptions): {
  store: CachedSecretStore;
  close(): void;
} {
  const fetcher = createAwsSecretFetcher(options);
  return {
    store: new CachedSecretStore(fetcher.fetch, options.cacheTtlMs, options.now),
    close: fetcher.close,
  };
}
