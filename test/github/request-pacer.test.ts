import { describe, expect, it } from 'vitest';
import { RequestPacer } from '../../src/platform/github/request-pacer';
import { TokenPool } from '../../src/platform/github/token-pool';
import { captureLogs, ManualClock } from './github-test-kit';

const A = 'ghp_paceraaaaaaaaaaaaaaaaaaaaaa1';
const B = 'ghp_pacerbbbbbbbbbbbbbbbbbbbbbb2';

const limits = {
  concurrent: 2,
  restPerMinute: 3,
  graphqlPerMinute: 5,
  secondaryBackoffMs: 60_000,
  maxSecondaryBackoffMs: 600_000,
};

describe('RequestPacer and the pool (GitHub secondary limits per token)', () => {
  it('holds a token to its concurrency, then to its requests per sliding minute', () => {
    const pacer = new RequestPacer(limits);
    const now = 1_000_000;
    pacer.begin('a', 'core', now);
    pacer.begin('a', 'core', now);
    expect(pacer.check('a', 'core', now)).toEqual({ kind: 'busy' });
    pacer.end('a');
    pacer.begin('a', 'core', now + 10);
    pacer.end('a');
    pacer.end('a');
    // Three REST requests started within the minute: the next waits for the oldest to leave it.
    expect(pacer.check('a', 'core', now + 20)).toEqual({ kind: 'later', until: now + 60_001 });
    expect(pacer.check('a', 'graphql', now + 20)).toEqual({ kind: 'go' });
    expect(pacer.check('a', 'core', now + 60_001)).toEqual({ kind: 'go' });
  });

  it('backs a token off exponentially on repeated secondary limits, honouring retry-after, until a success', () => {
    const pacer = new RequestPacer(limits);
    const now = 0;
    expect(pacer.secondaryLimit('a', now + 30_000, now)).toBe(30_000); // retry-after honoured
    expect(pacer.secondaryLimit('a', now + 30_000, now)).toBe(120_000); // second strike: 2 x 60 s
    expect(pacer.secondaryLimit('a', undefined, now)).toBe(240_000);
    pacer.succeeded('a');
    expect(pacer.secondaryLimit('a', undefined, now)).toBe(60_000); // none named: a minute
  });

  it('lends the token holding an ETag when it can send, another one when it is paced', async () => {
    const clock = new ManualClock();
    const pool = new TokenPool({
      provider: async () => [A, B],
      logger: captureLogs().logger,
      now: clock.now,
      pacer: new RequestPacer(limits),
    });
    const first = await pool.acquire('core');
    if (first.kind !== 'ready') throw new Error('expected a token');
    pool.release(first.lease);
    const holder = first.lease.id;
    for (let i = 0; i < 2; i++) {
      const again = await pool.acquire('core', holder);
      expect(again.kind === 'ready' && again.lease.id).toBe(holder);
      if (again.kind === 'ready') pool.release(again.lease);
    }
    // The holder has sent 3 this minute: the other token goes.
    const other = await pool.acquire('core', holder);
    expect(other.kind === 'ready' && other.lease.id).not.toBe(holder);
    if (other.kind === 'ready') pool.release(other.lease);
    await pool.acquire('core').then((a) => a.kind === 'ready' && pool.release(a.lease));
    await pool.acquire('core').then((a) => a.kind === 'ready' && pool.release(a.lease));
    // Both paced: wait for the minute, not an error.
    const paced = await pool.acquire('core');
    expect(paced).toMatchObject({ kind: 'wait', reason: 'paced' });
  });
});
