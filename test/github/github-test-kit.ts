import { createLogger, type Logger } from '../../src/platform/logging/logger';

/**
 * Shared helpers for the GitHub tests: a manual clock (so rate-limit resets and `retry-after`
 * take no real time), a logger whose lines a test can read, and a tiny HTTP helper.
 */
export class ManualClock {
  private current: number;

  constructor(start: string | number = '2026-03-02T12:00:00Z') {
    this.current = typeof start === 'number' ? start : Date.parse(start);
  }

  readonly now = (): number => this.current;

  advance(ms: number): void {
    this.current += ms;
  }

  /** A `sleep` that advances this clock instead of waiting, and records what was asked. */
  sleeper(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
    const waits: number[] = [];
    return {
      waits,
      sleep: async (ms: number) => {
        waits.push(ms);
        this.advance(ms);
      },
    };
  }
}

export interface CapturedLogs {
  readonly logger: Logger;
  readonly lines: string[];
  /** Parsed JSON lines. */
  entries(): Record<string, unknown>[];
}

export function captureLogs(level = 'debug'): CapturedLogs {
  const lines: string[] = [];
  const logger = createLogger(level, { write: (line: string) => void lines.push(line) });
  return { logger, lines, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

export interface JsonResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/** A plain fetch against the stand-in (to test the stand-in itself, without Octokit). */
export async function getJson<T = unknown>(
  url: string,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : undefined) as T,
  };
}

export async function postGraphQL<T = unknown>(
  baseUrl: string,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<JsonResponse<T>> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}
