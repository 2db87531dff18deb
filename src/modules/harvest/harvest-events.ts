import type { GitHubOctokit } from '../../platform/github/octokit-loader';
import { DAY_MS, dayAfter, toDay } from '../activity/activity-calendar';
import { DayTally, type HarvestedActivity, type HarvestedDay } from './harvest-data';
import { statusOf } from './harvest-rest';

/** GitHub keeps public events for 90 days and lists at most 300 of them. */
const EVENTS_WINDOW_DAYS = 90;
const EVENTS_MAX_PAGES = 3;

interface PublicEvent {
  type?: string | null;
  created_at?: string | null;
  payload?: { action?: string; size?: number; distinct_size?: number } | null;
}

/**
 * Activity from the public events feed, for unauthenticated harvests (GitHub's GraphQL API needs
 * a token). Coarser than `contributionsCollection`: only the last 90 days and 300 events, and
 * since 2025 a PushEvent carries no commit list or size, so each push counts as one commit unless
 * an (older) payload still says how many it had. PRs and issues count when opened, reviews when
 * submitted.
 */
export async function fetchEventActivity(
  octokit: GitHubOctokit,
  login: string,
  nowMs: number,
): Promise<HarvestedActivity> {
  const events: PublicEvent[] = [];
  let capped = false;
  for (let page = 1; page <= EVENTS_MAX_PAGES; page++) {
    let batch: PublicEvent[];
    try {
      const response = await octokit.request('GET /users/{username}/events/public', {
        username: login,
        per_page: 100,
        page,
      });
      batch = response.data as PublicEvent[];
    } catch (error) {
      if (statusOf(error) === 422) {
        capped = true; // past GitHub's pagination limit
        break;
      }
      throw error;
    }
    events.push(...batch);
    if (batch.length < 100) break;
    if (page === EVENTS_MAX_PAGES) capped = true;
  }
  // When GitHub's 300-event cap cut the feed, it covers only back to its oldest event (and that day
  // in part): the window starts the day after, so older stored days are left as they are.
  const oldest = events.reduce<string | undefined>(
    (min, e) => (e.created_at && (!min || e.created_at < min) ? e.created_at : min),
    undefined,
  );
  const firstDay = capped && oldest ? dayAfter(oldest) : toDay(nowMs - EVENTS_WINDOW_DAYS * DAY_MS);
  const lastDay = toDay(nowMs);
  const tally = new DayTally();
  const day = (date: string): HarvestedDay => tally.day(date);
  for (const event of events) {
    if (!event.created_at) continue;
    const date = toDay(event.created_at);
    const action = event.payload?.action;
    switch (event.type) {
      case 'PushEvent':
        day(date).commits += Math.max(1, event.payload?.distinct_size ?? event.payload?.size ?? 1);
        break;
      case 'PullRequestEvent':
        if (action === 'opened') day(date).pullRequests++;
        break;
      case 'IssuesEvent':
        if (action === 'opened') day(date).issuesOpened++;
        break;
      case 'PullRequestReviewEvent':
        day(date).reviews++;
        break;
      default:
        break;
    }
  }
  const sorted = tally.inRange(firstDay, lastDay);
  return { source: 'events', firstDay, lastDay, days: sorted, restrictedContributions: null };
}
