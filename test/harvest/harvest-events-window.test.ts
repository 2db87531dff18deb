import { describe, expect, it } from 'vitest';
import { fetchEventActivity } from '../../src/modules/harvest/harvest-events';
import type { GitHubOctokit } from '../../src/platform/github/octokit-loader';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const HOUR = 3_600_000;

/** An Octokit stand-in serving the public events feed page by page (only `request` is used). */
function eventsFeed(total: number, spacingMs: number): GitHubOctokit {
  const events = Array.from({ length: total }, (_, i) => ({
    type: 'PullRequestEvent',
    created_at: new Date(NOW - i * spacingMs).toISOString(),
    payload: { action: 'opened' },
  }));
  const request = async (_route: string, params: { page: number; per_page: number }) => ({
    data: events.slice((params.page - 1) * params.per_page, params.page * params.per_page),
  });
  return { request } as unknown as GitHubOctokit;
}

describe('events fallback window', () => {
  it('covers 90 days when the feed is not cut by the 300-event cap', async () => {
    const activity = await fetchEventActivity(eventsFeed(50, 24 * HOUR), 'dev', NOW);
    expect(activity.firstDay).toBe('2026-08-27');
    expect(activity.days).toHaveLength(50);
  });

  it('starts the day after the oldest event when the cap cut the feed, so older days are kept', async () => {
    // 300 events two hours apart reach back 25 days: only those days are known.
    const activity = await fetchEventActivity(eventsFeed(300, 2 * HOUR), 'dev', NOW);
    const oldest = new Date(NOW - 299 * 2 * HOUR).toISOString().slice(0, 10);
    expect(activity.firstDay > oldest).toBe(true);
    expect(activity.days.every((d) => d.date >= activity.firstDay)).toBe(true);
    expect(activity.days.reduce((sum, d) => sum + d.pullRequests, 0)).toBeLessThan(300);
  });
});
