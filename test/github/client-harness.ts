import type { Cache } from '../../src/platform/cache/cache';
import { createGitHubClient, type GitHubClient } from '../../src/platform/github/github-client';
import type { RetryPolicy } from '../../src/platform/github/github-request-hook';
import { TokenPool } from '../../src/platform/github/token-pool';
import type { TokenProvider } from '../../src/platform/github/token-provider';
import { type FakeGitHub, type FakeGitHubOptions, startFakeGitHub } from '../support/fake-github';
import { captureLogs, type CapturedLogs, ManualClock } from './github-test-kit';

/** A stand-in, a pool and a client sharing one manual clock: waits take no real time. */
export interface ClientHarness {
  readonly fake: FakeGitHub;
  readonly client: GitHubClient;
  readonly pool: TokenPool;
  readonly clock: ManualClock;
  readonly logs: CapturedLogs;
  /** Every wait the client asked for, in ms. */
  readonly waits: number[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly provider: TokenProvider;
  readonly fake?: FakeGitHubOptions;
  readonly cache?: Cache;
  readonly retry?: Partial<RetryPolicy>;
  readonly clock?: ManualClock;
}

export async function startClientHarness(options: HarnessOptions): Promise<ClientHarness> {
  const clock = options.clock ?? new ManualClock();
  const fake = await startFakeGitHub({ now: clock.now, ...options.fake });
  const logs = captureLogs();
  const pool = new TokenPool({ provider: options.provider, logger: logs.logger, now: clock.now });
  const { sleep, waits } = clock.sleeper();
  const client = await createGitHubClient({
    baseUrl: fake.url,
    pool,
    cache: options.cache,
    logger: logs.logger,
    retry: options.retry,
    sleep,
    now: clock.now,
    random: () => 0.5,
  });
  return { fake, client, pool, clock, logs, waits, close: () => fake.close() };
}

/** A provider over a fixed list (what `GITHUB_TOKENS` gives). */
export const staticTokens =
  (...tokens: string[]): TokenProvider =>
  async () =>
    tokens;
