import pino from 'pino';
import type { Logger } from './logger';

/** One request's line: what the server logs when it has answered (src/http/server.ts). */
export interface RequestLine {
  /** From `requestIdOf` (a UUID or a sane `x-request-id`: letters, digits, `._:-`). */
  readonly requestId: string;
  readonly method: string;
  readonly url: string;
  readonly statusCode: number;
  readonly ms: number;
}

interface PinoInternals {
  readonly stream: { write(line: string): unknown };
  readonly time: () => string;
  readonly bindings: string;
  readonly levelKey: string;
}

/** What pino keeps of a logger under its exported symbols (pino.symbols), as the line needs it. */
function internalsOf(logger: Logger): PinoInternals {
  const own = logger as unknown as Record<symbol, unknown>;
  const { streamSym, timeSym, chindingsSym, formattersSym } = pino.symbols;
  const formatters = own[formattersSym] as { level: (label: string, number: number) => object };
  return {
    stream: own[streamSym] as PinoInternals['stream'],
    time: own[timeSym] as () => string,
    bindings: own[chindingsSym] as string,
    // `"level":"info"` as the logger's level formatter gives it.
    levelKey: JSON.stringify(formatters.level('info', logger.levels.values.info!)).slice(1, -1),
  };
}

/**
 * Writes the request line at level info exactly as `logger.info({ requestId, method, url,
 * statusCode, ms }, 'request')` would (its level label, time, bindings, the fields, `msg`; tested
 * against pino's own line), without pino's general path: the one line every request writes cost
 * about a tenth of a cached answer's CPU through it (docs/performance.md). No redaction: the line
 * holds none of the redacted paths.
 */
export function requestLineWriter(logger: Logger): (line: RequestLine) => void {
  const { stream, time, bindings, levelKey } = internalsOf(logger);
  return ({ requestId, method, url, statusCode, ms }) => {
    if (!logger.isLevelEnabled('info')) return;
    // The id and the method need no escaping (requestIdOf's alphabet; HTTP method tokens).
    stream.write(
      `{${levelKey}${time()}${bindings},"requestId":"${requestId}","method":"${method}",` +
        `"url":${JSON.stringify(url)},"statusCode":${statusCode},"ms":${ms},"msg":"request"}\n`,
    );
  };
}
