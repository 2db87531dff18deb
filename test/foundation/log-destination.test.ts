import { describe, expect, it } from 'vitest';
import { spawnTs } from '../support/child-process';

const run = (bufferBytes: number, then: 'stay' | 'exit' | 'throw') =>
  spawnTs('test/support/log-main.ts', {
    PATH: process.env.PATH,
    LOG_BUFFER_BYTES: String(bufferBytes),
    LOG_THEN: then,
  });

describe('the stdout log destination (LOG_BUFFER_BYTES)', () => {
  it('writes a buffered line while the process runs on, without waiting for more lines', async () => {
    const child = run(4096, 'stay');
    try {
      // A line far shorter than the buffer goes out with the periodic flush: no more lines come,
      // and the process stays up well past the wait.
      await child.waitForLine(/"msg":"a line"/, 10_000);
      expect(child.output()).toMatch(/^\{"level":"info".*"n":1.*"msg":"a line"\}$/m);
    } finally {
      child.kill();
    }
  }, 30_000);

  it('writes what is buffered when the process exits, or dies of an uncaught error', async () => {
    for (const then of ['exit', 'throw'] as const) {
      const child = run(4096, then);
      expect(await child.exited(20_000)).toBe(then === 'exit' ? 0 : 1);
      expect(child.output()).toContain('"msg":"a line"');
    }
  }, 45_000);
});
