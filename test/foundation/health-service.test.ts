import { describe, expect, it } from 'vitest';
import { HealthService, overallStatus } from '../../src/modules/system/health.service';

describe('HealthService', () => {
  it('runs each check once for concurrent callers, and again for a later one', async () => {
    let runs = 0;
    const slow = {
      name: 'slow',
      required: true,
      check: async () => {
        runs++;
        await new Promise((r) => setTimeout(r, 50));
        return { status: 'ok' as const };
      },
    };
    const health = new HealthService([slow], 1_000, '1.0.0');
    const reports = await Promise.all(Array.from({ length: 20 }, () => health.report()));
    expect(runs).toBe(1);
    expect(reports.every((r) => r.status === 'ok')).toBe(true);
    await health.report();
    expect(runs).toBe(2);
  });

  it('bounds a hanging check by the timeout and counts it as down', async () => {
    const hanging = { name: 'db', required: true, check: () => new Promise<never>(() => {}) };
    const report = await new HealthService([hanging], 100, '1.0.0').report();
    expect(report.status).toBe('down');
    expect(report.components[0]).toMatchObject({ status: 'down', message: 'no answer within 100 ms' });
  });

  it('is down only when a required component is down', () => {
    expect(
      overallStatus([
        { status: 'down', required: false },
        { status: 'ok', required: true },
      ]),
    ).toBe('degraded');
    expect(overallStatus([{ status: 'down', required: true }])).toBe('down');
    expect(
      overallStatus([
        { status: 'disabled', required: false },
        { status: 'ok', required: true },
      ]),
    ).toBe('ok');
  });
});
