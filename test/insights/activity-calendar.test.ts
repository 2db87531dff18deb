import { describe, expect, it } from 'vitest';
import {
  addDays,
  bucketStart,
  dayAfter,
  DAY_MS,
  dayNumber,
  dayString,
  daysBetween,
  summarize,
  type DayCounts,
} from '../../src/modules/activity/activity-calendar';

/**
 * Issue 10: the calendar arithmetic works on day numbers instead of Date objects and ISO strings.
 * It must agree with `Date` (the proleptic Gregorian calendar in UTC) everywhere the service can go.
 */
const viaDate = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);

describe('day numbers', () => {
  it('agree with Date for every day from 1900 to 2200, both ways', () => {
    for (let n = dayNumber('1900-01-01'); n <= dayNumber('2200-12-31'); n++) {
      const day = viaDate(n);
      if (dayString(n) !== day || dayNumber(day) !== n)
        expect([n, dayString(n), dayNumber(day)]).toEqual([n, day, n]);
    }
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2100-02-28', 1)).toBe('2100-03-01');
    expect(daysBetween('2025-12-31', '2026-03-01')).toBe(60);
  });

  it('give the first whole day after a timestamp, whatever its time and offset', () => {
    expect(dayAfter('2026-03-01T00:00:00Z')).toBe('2026-03-02');
    expect(dayAfter('2026-03-01T23:59:59.999Z')).toBe('2026-03-02');
    expect(dayAfter('2024-02-28T12:00:00Z')).toBe('2024-02-29');
    expect(dayAfter('2026-12-31T20:00:00-05:00')).toBe('2027-01-02'); // 01:00 UTC on Jan 1st
  });

  it('refuses what is not a day, as Date does', () => {
    for (const bad of ['2026-13-01', '2026-00-10', 'yesterday', '2026-1-1', '']) {
      expect(() => dayNumber(bad)).toThrow(RangeError);
    }
  });

  it('start weeks on Monday and months on the 1st, as computed through Date', () => {
    for (let n = dayNumber('2023-12-01'); n <= dayNumber('2027-01-31'); n++) {
      const day = viaDate(n);
      const date = new Date(n * DAY_MS);
      const monday = viaDate(n - ((date.getUTCDay() + 6) % 7));
      expect(bucketStart(day, 'WEEK')).toBe(monday);
      expect(bucketStart(day, 'MONTH')).toBe(`${day.slice(0, 8)}01`);
      expect(bucketStart(day, 'DAY')).toBe(day);
    }
  });
});

describe('summarize', () => {
  const day = (date: string, commits: number): DayCounts => ({
    date,
    commits,
    pullRequests: 0,
    issuesOpened: 0,
    reviews: 0,
  });

  it('buckets, totals and streaks of a range crossing a month and a year', () => {
    const rows = [
      day('2025-12-29', 1),
      day('2025-12-30', 2),
      day('2025-12-31', 3),
      day('2026-01-01', 4),
      day('2026-01-05', 0), // no contribution: not active
      day('2026-01-06', 5),
      day('2026-01-07', 6),
      day('2026-02-01', 9), // outside the range
    ];
    const weeks = summarize(rows, '2025-12-30', '2026-01-07', 'WEEK');
    expect(weeks.days).toBe(9);
    expect(weeks.activeDays).toBe(5);
    expect(weeks.totals.commits).toBe(20);
    expect(weeks.buckets.map((b) => [b.start, b.end, b.commits])).toEqual([
      ['2025-12-30', '2026-01-04', 9],
      ['2026-01-05', '2026-01-07', 11],
    ]);
    expect(weeks.longestStreak).toEqual({ length: 3, start: '2025-12-30', end: '2026-01-01' });
    expect(weeks.currentStreak).toEqual({ length: 2, start: '2026-01-06', end: '2026-01-07' });
    expect(weeks.lastActiveDay).toBe('2026-01-07');
    const months = summarize(rows, '2025-12-30', '2026-01-07', 'MONTH');
    expect(months.buckets.map((b) => [b.start, b.end, b.commits])).toEqual([
      ['2025-12-30', '2025-12-31', 5],
      ['2026-01-01', '2026-01-07', 15],
    ]);
    const days = summarize(rows, '2025-12-30', '2026-01-07', 'DAY');
    expect(days.buckets).toHaveLength(9);
    expect(days.buckets[2]).toMatchObject({ start: '2026-01-01', end: '2026-01-01', commits: 4 });
    // `to` without activity yet: the streak ending the day before counts.
    expect(summarize(rows, '2025-12-29', '2026-01-02', 'DAY').currentStreak).toEqual({
      length: 4,
      start: '2025-12-29',
      end: '2026-01-01',
    });
    expect(summarize([], '2026-01-01', '2026-01-31', 'MONTH')).toMatchObject({
      activeDays: 0,
      lastActiveDay: null,
      currentStreak: { length: 0, start: null, end: null },
      longestStreak: { length: 0, start: null, end: null },
    });
  });
});
