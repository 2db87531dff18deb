import type { EntityManager } from '@mikro-orm/postgresql';
import type { GitHubClient } from '../../platform/github/github-client';
import { DomainError } from '../../core/errors';
import { GitHubRateLimitedError } from '../../platform/github/github-errors';
import type { Logger } from '../../platform/logging/logger';
import type { HarvestRequests } from '../harvest/harvest-requests';
import type { CountryDirectory } from './country-directory';

/** GitHub's search returns at most this many results per query, however many match. */
export const SEARCH_RESULT_CAP = 1000;
const PER_PAGE = 100;
/** Extra tries of a search GitHub answered with `incomplete_results` (it timed out) before it is split. */
export const INCOMPLETE_SEARCH_RETRIES = 2;

export interface CountryHarvestProgress {
  searches: number;
  usersFound: number;
  harvestsRequested: number;
  queriesDone: number;
  /**
   * Search answers GitHub still marked `incomplete_results` after the retries, for a range that
   * could not be split further: the developers they missed may be missing here too.
   */
  incompleteSearches: number;
  /** Logins a harvest could not be asked for (invalid by our rules): skipped and counted. */
  loginsSkipped: number;
}

/** A country harvest's progress before its first search. */
export function noCountryHarvestProgress(): CountryHarvestProgress {
  return {
    searches: 0,
    usersFound: 0,
    harvestsRequested: 0,
    queriesDone: 0,
    incompleteSearches: 0,
    loginsSkipped: 0,
  };
}

export interface CountryHarvestSettings {
  /** Follower floor of the searches. */
  readonly minFollowers: number;
  /** Largest cities searched besides the country's name. */
  readonly cities: number;
  /** A developer harvested less than this long ago is not harvested again. */
  readonly freshnessMs: number;
}

export interface CountryHarvestOptions {
  readonly github: GitHubClient;
  readonly harvests: HarvestRequests;
  readonly countries: CountryDirectory;
  readonly settings: CountryHarvestSettings;
  readonly logger: Logger;
  /** Waiting for the search budget (tests inject a fast clock). */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

interface SearchAnswer {
  readonly total: number;
  readonly logins: string[];
  /** GitHub's `incomplete_results`: the search timed out; `total` and `logins` may miss matches. */
  readonly incomplete: boolean;
}

/**
 * Finds a country's developers through GitHub's user search and asks for a harvest of each new
 * or stale one. Queries: `location:"<name>"` for the country's name and its largest cities, with
 * a follower floor. GitHub answers at most 1,000 results per query, so a query whose
 * `total_count` is above that is split into two follower ranges, recursively, until every range
 * fits. The search budget (30 a minute per token) is the token pool's `search` resource: the
 * client waits for it, and when even that wait would be too long this job sleeps and retries.
 * An answer with `incomplete_results` (GitHub's search timed out) is never taken as complete: it
 * is asked again up to INCOMPLETE_SEARCH_RETRIES times, then its follower range is split (narrower
 * queries are cheaper to run); one that cannot be split is used as it is and counted in
 * `incompleteSearches`.
 */
export class CountryHarvestService {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: CountryHarvestOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  /** The `location:` values searched for a country: its name, then its largest cities. */
  locations(code: string): string[] {
    const name = this.options.countries.name(code) ?? code;
    const names = [name, ...this.options.countries.largestCities(code, this.options.settings.cities)];
    return [...new Set(names.map((n) => n.replace(/"/g, '').trim()).filter(Boolean))];
  }

  async harvest(
    em: EntityManager,
    code: string,
    report: (progress: CountryHarvestProgress) => Promise<void>,
  ): Promise<CountryHarvestProgress> {
    const progress = noCountryHarvestProgress();
    const seen = new Set<string>();
    const onLogins = async (logins: string[]): Promise<void> => {
      const fresh = logins.filter((l) => !seen.has(l.toLowerCase()));
      fresh.forEach((l) => seen.add(l.toLowerCase()));
      progress.usersFound += fresh.length;
      const asked = await this.requestStale(em, fresh);
      progress.harvestsRequested += asked.requested;
      progress.loginsSkipped += asked.skipped;
    };
    for (const location of this.locations(code)) {
      await this.searchRange(location, this.options.settings.minFollowers, null, progress, onLogins);
      await report({ ...progress });
    }
    this.options.logger.info({ country: code, ...progress }, 'country harvest searched');
    return progress;
  }

  /** One follower range of one location: all its pages, or two halves when it exceeds the cap. */
  private async searchRange(
    location: string,
    low: number,
    high: number | null,
    progress: CountryHarvestProgress,
    onLogins: (logins: string[]) => Promise<void>,
  ): Promise<void> {
    const q = `location:"${location}" followers:${low}..${high ?? '*'} type:user`;
    const first = await this.search(q, 1, progress);
    const splittable = high === null || high > low;
    if ((first.total > SEARCH_RESULT_CAP || first.incomplete) && splittable) {
      // An open range splits at twice its floor (follower counts are heavily skewed).
      const mid = high === null ? Math.max(low * 2, low + 100) : Math.floor((low + high) / 2);
      await this.searchRange(location, low, mid, progress, onLogins);
      await this.searchRange(location, mid + 1, high, progress, onLogins);
      return;
    }
    if (first.total > SEARCH_RESULT_CAP)
      this.options.logger.warn(
        { q, total: first.total },
        'search range cannot be split further; first 1,000 only',
      );
    this.noteIncomplete(q, 1, first, progress);
    await onLogins(first.logins);
    const pages = Math.ceil(Math.min(first.total, SEARCH_RESULT_CAP) / PER_PAGE);
    for (let page = 2; page <= pages; page++) {
      const answer = await this.search(q, page, progress);
      this.noteIncomplete(q, page, answer, progress);
      await onLogins(answer.logins);
    }
    progress.queriesDone++;
  }

  /** An answer still incomplete after its retries that cannot be split: used, but counted and logged. */
  private noteIncomplete(
    q: string,
    page: number,
    answer: SearchAnswer,
    progress: CountryHarvestProgress,
  ): void {
    if (!answer.incomplete) return;
    progress.incompleteSearches++;
    this.options.logger.warn(
      { q, page, total: answer.total },
      'GitHub search stayed incomplete (timed out) and the range cannot be split further; developers may be missing',
    );
  }

  /** One page, asked again while GitHub answers it incomplete (at most INCOMPLETE_SEARCH_RETRIES more). */
  private async search(q: string, page: number, progress: CountryHarvestProgress): Promise<SearchAnswer> {
    let answer = await this.searchOnce(q, page, progress);
    for (let retry = 0; answer.incomplete && retry < INCOMPLETE_SEARCH_RETRIES; retry++) {
      this.options.logger.info(
        { q, page, retry: retry + 1 },
        'GitHub search answered incomplete; asking again',
      );
      answer = await this.searchOnce(q, page, progress);
    }
    return answer;
  }

  private async searchOnce(q: string, page: number, progress: CountryHarvestProgress): Promise<SearchAnswer> {
    for (;;) {
      try {
        progress.searches++;
        const response = await this.options.github.octokit.request('GET /search/users', {
          q,
          per_page: PER_PAGE,
          page,
        });
        return {
          total: response.data.total_count,
          logins: response.data.items.map((i) => i.login),
          incomplete: response.data.incomplete_results,
        };
      } catch (error) {
        if (!(error instanceof GitHubRateLimitedError)) throw error;
        const waitMs = Math.max(1_000, error.resetAt - this.now());
        this.options.logger.info({ waitMs }, 'country harvest waits for the GitHub search budget');
        await this.sleep(waitMs);
      }
    }
  }

  /**
   * Asks for a harvest of each login never harvested or harvested too long ago. A login the
   * harvest service refuses (BAD_USER_INPUT) is skipped and counted: one odd login in a search
   * result never fails the country (a login gone from GitHub ends its own harvest `not_found`).
   */
  private async requestStale(
    em: EntityManager,
    logins: string[],
  ): Promise<{ requested: number; skipped: number }> {
    if (logins.length === 0) return { requested: 0, skipped: 0 };
    const keys = logins.map((l) => l.toLowerCase());
    const rows = await em.execute<{ login_key: string }[]>(
      `select login_key from github_user where login_key in (${keys.map(() => '?').join(',')})
         and harvested_at > ?`,
      [...keys, new Date(this.now() - this.options.settings.freshnessMs)],
    );
    const fresh = new Set(rows.map((r) => r.login_key));
    let requested = 0;
    let skipped = 0;
    for (const login of logins) {
      if (fresh.has(login.toLowerCase())) continue;
      try {
        await this.options.harvests.request(em, login, 'country');
        requested++;
      } catch (error) {
        if (!(error instanceof DomainError) || error.code !== 'BAD_USER_INPUT') throw error;
        skipped++;
        this.options.logger.warn({ login: login.slice(0, 60) }, 'country harvest skipped a login');
      }
    }
    return { requested, skipped };
  }
}
