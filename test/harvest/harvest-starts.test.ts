import { describe, expect, it } from 'vitest';
import type { HarvestConfig } from '../../src/config/config';
import type { Viewer } from '../../src/core/viewer';
import { HarvestStartLimit, HarvestStartRefusedError } from '../../src/modules/harvest/harvest-starts';
import { HARVEST_PRIORITY, harvestPriority } from '../../src/modules/harvest/harvest-priority';
import { createLogger } from '../../src/platform/logging/logger';
import { MemoryQueueDriver } from '../../src/platform/queue/memory-driver';
import { createRateLimitStore, type RateLimitStore } from '../../src/platform/rate-limit/rate-limit-store';
import { createRedisFactory } from '../../src/platform/redis/redis-factory';
import { loadConfig } from '../../src/config/load-config';
import { freePort, waitFor } from '../support/free-port';
import { SHARED_REDIS, uniqueName } from '../support/services';

/** The new-harvest budgets on their own: identities, sizes by role, Valkey shared, memory fallback. */
const logger = createLogger('silent');
const STARTS: HarvestConfig['starts'] = {
  windowMs: 60_000,
  budgets: { anonymous: 2, reader: 3, operator: 4, admin: 5 },
};
const anonymous = (ip: string): Viewer => ({ kind: 'anonymous', ip });
const key = (keyId: string, role: 'reader' | 'operator' | 'admin'): Viewer => ({
  kind: 'apiKey',
  ip: '198.51.100.1',
  keyId,
  keyPrefix: 'gia_x',
  role,
});

/** How many of `n` starts a caller is granted before refusals. */
async function granted(limit: HarvestStartLimit, caller: Viewer, n: number): Promise<number> {
  let ok = 0;
  for (let i = 0; i < n; i++) {
    try {
      await limit.admit(caller);
      ok++;
    } catch (error) {
      expect(error).toBeInstanceOf(HarvestStartRefusedError);
    }
  }
  return ok;
}

async function storeOn(port: number, keyPrefix: string): Promise<RateLimitStore> {
  const { config } = await loadConfig({
    env: {
      NODE_ENV: 'test',
      REDIS_HOST: SHARED_REDIS.host,
      REDIS_PORT: String(port),
      REDIS_KEY_PREFIX: keyPrefix,
      DB_NAME: 'unused',
    },
  });
  return createRateLimitStore({
    config: config.rateLimit,
    redis: createRedisFactory(config.redis, logger),
    logger,
  });
}

describe('new-harvest budgets', () => {
  it('per client address (IPv6: per /64) for anonymous callers, per key and sized by role for keys', async () => {
    const store = createRateLimitStore({
      config: { windowMs: 60_000, memoryMaxIdentities: 1_000 } as never,
      redis: undefined,
      logger,
    });
    const limit = new HarvestStartLimit({
      limiter: store.scoped('harveststarts', STARTS.windowMs),
      starts: STARTS,
    });
    expect(await granted(limit, anonymous('2001:db8:0:1::1'), 3)).toBe(2);
    expect(await granted(limit, anonymous('2001:db8:0:1:ffff::2'), 1)).toBe(0); // same /64
    expect(await granted(limit, anonymous('2001:db8:0:2::1'), 3)).toBe(2); // another /64
    expect(await granted(limit, key('k1', 'reader'), 10)).toBe(3);
    expect(await granted(limit, key('k2', 'operator'), 10)).toBe(4);
    expect(await granted(limit, key('k3', 'admin'), 10)).toBe(5);
    const refusal = await limit.admit(anonymous('2001:db8:0:1::9')).catch((e: HarvestStartRefusedError) => e);
    expect(refusal).toBeInstanceOf(HarvestStartRefusedError);
    expect((refusal as HarvestStartRefusedError).extensions).toMatchObject({
      code: 'RATE_LIMITED',
      limit: 'harvestStarts',
      allowed: 2,
    });

    const none = new HarvestStartLimit({
      limiter: store.scoped('harveststarts', STARTS.windowMs),
      starts: { ...STARTS, budgets: { ...STARTS.budgets, anonymous: 0 } },
    });
    expect(await granted(none, anonymous('192.0.2.1'), 2)).toBe(0); // 0: anonymous callers start none
    const off = new HarvestStartLimit({ limiter: undefined, starts: STARTS }); // RATE_LIMIT_ENABLED=false
    expect(await granted(off, anonymous('192.0.2.1'), 20)).toBe(20);
  });

  it('is one budget across instances through Valkey, and still bounded in memory while Valkey is down', async () => {
    const prefix = uniqueName('starts');
    const [a, b] = await Promise.all([
      storeOn(SHARED_REDIS.port, prefix),
      storeOn(SHARED_REDIS.port, prefix),
    ]);
    const down = await storeOn(await freePort(), prefix); // nothing listens there
    try {
      const on = (store: RateLimitStore) =>
        new HarvestStartLimit({ limiter: store.scoped('harveststarts', STARTS.windowMs), starts: STARTS });
      // Both connected: what one counts, the other sees (a probe per try, until it is so).
      let probe = 0;
      await waitFor(
        async () => {
          const id = `probe-${probe++}`;
          await a.limiter.consume(id, 1, 1);
          return !(await b.limiter.consume(id, 1, 1)).allowed;
        },
        'both instances on Valkey',
        10_000,
      );
      const caller = anonymous('203.0.113.7');
      expect(await granted(on(a), caller, 1)).toBe(1);
      expect(await granted(on(b), caller, 3)).toBe(1); // the other instance saw the first start
      expect(await granted(on(down), caller, 5)).toBe(2); // memory: its own budget, not unbounded
    } finally {
      await Promise.all([a.close(), b.close(), down.close()]);
    }
  });

  it('queues a key holder’s refreshUser before anonymous ones, automatic refreshes, imports and country fan-out', async () => {
    expect(harvestPriority('manual', key('k', 'reader'))).toBe(HARVEST_PRIORITY.keyHolderRefresh);
    const order = [
      harvestPriority('country', undefined),
      harvestPriority('auto', anonymous('192.0.2.1')),
      harvestPriority('import', undefined),
      harvestPriority('manual', anonymous('192.0.2.1')),
      harvestPriority('manual', key('k', 'admin')),
    ];
    expect([...order].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5]);

    // The in-process queue (embedded mode) takes them in the same order as BullMQ.
    const queue = new MemoryQueueDriver(logger);
    const ran: string[] = [];
    const names = ['country', 'auto', 'import', 'anonymous-refresh', 'key-refresh'];
    for (const [i, name] of names.entries()) await queue.add('q', name, {}, { priority: order[i] });
    queue.work('q', async (job) => void ran.push(job.name), { concurrency: 1 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await queue.close();
    expect(ran).toEqual(['key-refresh', 'anonymous-refresh', 'auto', 'import', 'country']);
  });
});
