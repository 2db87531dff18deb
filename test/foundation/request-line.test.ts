import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logging/logger';
import { requestLineWriter } from '../../src/platform/logging/request-line';

/** A logger as the server makes it, writing into `lines`. */
function capture(level = 'info') {
  const lines: string[] = [];
  const logger = createLogger(level, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

const withoutTime = (line: string) => line.replace(/,"time":"[^"]*"/, ',"time":"T"');

describe('the request line', () => {
  it('is written exactly as pino writes the same fields', () => {
    const { logger, lines } = capture();
    const write = requestLineWriter(logger);
    const samples = [
      {
        requestId: 'a0ad88dc-fc8d-4378-b89e-95031ad86f49',
        method: 'POST',
        url: '/graphql',
        statusCode: 200,
        ms: 1.3,
      },
      {
        requestId: 'trace-id:1.2_3',
        method: 'GET',
        url: '/p/"quoted"\\path/ünï\u2028',
        statusCode: 404,
        ms: 0,
      },
      { requestId: 'abcdefgh', method: 'OPTIONS', url: '/', statusCode: 503, ms: 12034.5 },
    ];
    for (const fields of samples) {
      write(fields);
      logger.info({ ...fields }, 'request');
    }
    expect(lines).toHaveLength(2 * samples.length);
    for (let i = 0; i < lines.length; i += 2) {
      expect(withoutTime(lines[i]!)).toBe(withoutTime(lines[i + 1]!));
      expect(JSON.parse(lines[i]!)).toMatchObject({
        level: 'info',
        service: 'github-insights-api',
        msg: 'request',
      });
    }
  });

  it('follows the logger level', () => {
    const { logger, lines } = capture('warn');
    requestLineWriter(logger)({ requestId: 'abcdefgh', method: 'GET', url: '/', statusCode: 200, ms: 1 });
    expect(lines).toEqual([]);
    logger.level = 'info';
    requestLineWriter(logger)({ requestId: 'abcdefgh', method: 'GET', url: '/', statusCode: 200, ms: 1 });
    expect(lines).toHaveLength(1);
  });
});
