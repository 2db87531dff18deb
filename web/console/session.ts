import { ApiRequestError, ConsoleApi } from './graphql-client';

/** The key lives in sessionStorage: this tab only, gone when it closes. */
const STORAGE_KEY = 'github-insights-console-key';

export function storedKey(): string | undefined {
  return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
}

export function storeKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

/** What the sign-in form says when the API refuses a key. */
export function refusalText(error: unknown): string {
  if (error instanceof ApiRequestError) {
    if (error.code === 'FORBIDDEN')
      return 'This key may not use the console: it needs an operator or admin key (a reader key is refused).';
    if (error.code === 'UNAUTHENTICATED')
      return 'This key was not accepted: it is unknown, revoked or expired.';
    if (error.code === 'NETWORK') return 'The server could not be reached. Try again.';
    return `The server refused: ${error.message} (${error.code}).`;
  }
  return 'Signing in failed. Try again.';
}

export { ConsoleApi };
