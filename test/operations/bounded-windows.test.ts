import { describe, expect, it } from 'vitest';
import type { HealthReport } from '../../src/core/health';
import { HEALTH_HISTORY_SAMPLES, HealthHistory } from '../../src/modules/system/health-history';
import { ErrorWindow } from '../../src/platform/metrics/error-window';

/** The operator console's in-memory figures stay bounded whatever the traffic and however long they run. */
describe('ErrorWindow', () => {
  it('counts by code over the asked minutes, most first, and forgets minutes older than an hour', () => {
    let now = Date.UTC(2026, 0, 1, 12, 0, 30);
    const window = new ErrorWindow(() => now);
    for (let i = 0; i < 3; i++) window.record('BAD_USER_INPUT');
    window.record('FORBIDDEN');
    now += 10 * 60_000; // ten minutes later
    window.record('FORBIDDEN');
    expect(window.recent(60).map((e) => [e.code, e.count])).toEqual([
      ['BAD_USER_INPUT', 3],
      ['FORBIDDEN', 2],
    ]);
    expect(window.recent(5).map((e) => [e.code, e.count])).toEqual([['FORBIDDEN', 1]]);
    expect(window.recent(5)[0]!.lastSeenAt.getTime()).toBe(now);
    now += 55 * 60_000; // the first minute is now 65 minutes old
    expect(window.recent(60).map((e) => [e.code, e.count])).toEqual([['FORBIDDEN', 1]]);
    now += 60 * 60_000;
    expect(window.recent(60)).toEqual([]);
  });

  it('keeps at most 60 minutes and 64 codes a minute (more collapse into OTHER)', () => {
    let now = 0;
    const window = new ErrorWindow(() => now);
    for (let minute = 0; minute < 180; minute++) {
      now = minute * 60_000;
      for (let code = 0; code < 100; code++) window.record(`CODE_${code}`);
    }
    const counts = window.recent(60);
    expect(counts).toHaveLength(65);
    expect(counts[0]).toMatchObject({ code: 'OTHER', count: 36 * 60 });
    expect(counts.filter((c) => c.code !== 'OTHER').every((c) => c.count === 60)).toBe(true);
  });
});

describe('HealthHistory', () => {
  const report = (at: number, status: 'ok' | 'down'): HealthReport => ({
    status: status === 'ok' ? 'ok' : 'down',
    checkedAt: new Date(at),
    uptimeSeconds: 1,
    version: 'test',
    components: [
      {
        name: 'database',
        required: true,
        latencyMs: 1,
        status,
        message: status === 'down' ? 'refused' : undefined,
      },
      { name: 'cache', required: false, latencyMs: 1, status: 'ok' },
    ],
  });

  it('keeps each component’s samples of the window, oldest first, at most HEALTH_HISTORY_SAMPLES', () => {
    let now = 0;
    const history = new HealthHistory(() => now);
    for (let i = 0; i < 1000; i++) {
      now = i * 1_000;
      history.record(report(now, i === 999 ? 'down' : 'ok'));
    }
    const [cache, database] = history.recent(60);
    expect(cache!.component).toBe('cache');
    expect(database!.samples).toHaveLength(HEALTH_HISTORY_SAMPLES);
    expect(database!.samples.at(-1)).toEqual({ at: new Date(999_000), status: 'down', detail: 'refused' });
    const times = database!.samples.map((s) => s.at.getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // The last minute only: 60 rounds, one a second.
    expect(history.recent(1)[1]!.samples).toHaveLength(61);
  });
});
