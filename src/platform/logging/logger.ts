import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Paths whose values are replaced by "[redacted]" wherever they appear in a log line. */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'token',
  '*.token',
  'tokens',
  '*.tokens',
  'secret',
  '*.secret',
  'apiKey',
  '*.apiKey',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'connectionParams',
  '*.connectionParams',
  // Deeper or differently named places secrets travel (headers objects, nested settings, variables).
  '*.*.token',
  '*.*.secret',
  '*.*.apiKey',
  'authorization',
  '*.authorization',
  'cookie',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  'req.headers["x-api-key"]',
  'headers["x-api-key"]',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
];

/**
 * pino's `isoTime`, the text made once per millisecond: under load several lines share one, and
 * formatting a Date per line was 2.4 % of the busy CPU of `{ __typename }` (docs/performance.md).
 */
function isoTimeOncePerMs(): () => string {
  let at = -1;
  let text = '';
  return () => {
    const now = Date.now();
    if (now !== at) {
      at = now;
      text = `,"time":"${new Date(now).toISOString()}"`;
    }
    return text;
  };
}

/** How long a buffered log line waits at most for the buffer to fill before it is written. */
const LOG_FLUSH_INTERVAL_MS = 1_000;

/**
 * Standard output, written in batches of `bufferBytes` (and at least every LOG_FLUSH_INTERVAL_MS);
 * 0 writes each line as it comes. Every write is a trip through libuv's thread pool: one per
 * request line was about 8 % of a cached answer's CPU under load (docs/performance.md). What is
 * buffered is written when the process exits, also after an uncaught error; only a kill (SIGKILL,
 * an out-of-memory abort) loses it, at most `bufferBytes` of the last lines.
 */
export function stdoutDestination(bufferBytes: number): DestinationStream {
  return pino.destination({
    dest: 1,
    sync: false,
    minLength: bufferBytes,
    periodicFlush: bufferBytes > 0 ? LOG_FLUSH_INTERVAL_MS : 0,
  });
}

/** The service's logger: on standard output, written in batches of `bufferBytes` (stdoutDestination). */
export function createStdoutLogger(settings: {
  readonly level: string;
  readonly bufferBytes: number;
}): Logger {
  return createLogger(settings.level, stdoutDestination(settings.bufferBytes));
}

/** One JSON line per event (pino); on standard output as it comes unless given a destination. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'github-insights-api' },
      timestamp: isoTimeOncePerMs(),
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
