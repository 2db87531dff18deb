import type { SecretRead, SecretReader } from '../../config/secret-source';
import { SecretError, type SecretStore, type Sleep, withBackoff } from './secret-store';

/**
 * Start-up reads through `store`, as configuration wants them: what may pass (network failures,
 * throttling) is retried with backoff, and a failure is described, never thrown.
 */
export function startupSecretReader(
  store: SecretStore,
  attempts: number,
  backoffMs: number,
  sleep?: Sleep,
): SecretReader {
  return async (name: string): Promise<SecretRead> => {
    let made = 0;
    try {
      const value = await withBackoff(
        () => {
          made += 1;
          return store.get(name);
        },
        attempts,
        backoffMs,
        sleep,
      );
      return { value };
    } catch (error) {
      // SecretError details are ours and hold no value; other errors are described by name only.
      if (!(error instanceof SecretError)) {
        const detail = error instanceof Error ? error.name : 'unknown error';
        return { failure: { kind: 'unexpected', detail, attempts: made, retryable: true } };
      }
      const { kind, detail, retryable } = error;
      return { failure: { kind, detail, attempts: made, retryable } };
    }
  };
}
