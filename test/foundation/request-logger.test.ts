import Fastify, { type FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lazyRequestLogger } from '../../src/http/request-logger';
import { LogCapture } from '../support/app-harness';

/**
 * `request.log` is made on first use (src/http/request-logger.ts), and behaves as Fastify's own
 * child logger: bound to the request id, redacting as the server's logger does, at its level.
 */
describe('the request logger made on first use', () => {
  const capture = new LogCapture('info');
  const fastify = Fastify({
    loggerInstance: capture.logger as unknown as FastifyBaseLogger,
    disableRequestLogging: true,
    childLoggerFactory: lazyRequestLogger,
    genReqId: () => 'req-fixed-1',
  });
  fastify.get('/logs', async (request) => {
    request.log.warn({ password: 'hunter2', detail: 'x' }, 'from the handler');
    request.log.debug('below the level');
    request.log.child({ step: 'nested' }).info('from a child');
    return { level: request.log.level };
  });

  beforeAll(() => fastify.ready());
  afterAll(() => fastify.close());

  it('writes lines bound to the request id, redacted, at the logger level', async () => {
    const answer = await fastify.inject({ method: 'GET', url: '/logs' });
    expect(answer.json()).toEqual({ level: 'info' });
    const lines = capture.lines.filter((line) => line.reqId === 'req-fixed-1');
    expect(lines.map((line) => line.msg)).toEqual(['from the handler', 'from a child']);
    expect(lines[0]).toMatchObject({ password: '[redacted]', detail: 'x', level: 'warn' });
    expect(lines[1]).toMatchObject({ step: 'nested', level: 'info' });
  });
});
