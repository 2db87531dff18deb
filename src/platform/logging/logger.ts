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

/** One JSON line per event (pino). Tests pass a destination to capture lines. */
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
