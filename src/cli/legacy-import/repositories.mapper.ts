import type { RowIssues } from './legacy-import.types';
import { childRows, type TableMapper } from './legacy-mapper';
import { REPOSITORY_COLUMNS } from './legacy-target.writer';
import {
  canonicalJson,
  firstTimestamp,
  legacyInt,
  legacyJsonList,
  legacyText,
  legacyTimestamp,
  quietTimestamp,
} from './legacy-values';

export interface RepositoryRecord {
  readonly legacyId: number;
  readonly ownerId: number;
  readonly name: string;
  readonly description: string | null;
  readonly homepageUrl: string | null;
  readonly primaryLanguage: string | null;
  readonly license: string | null;
  /** jsonb text: a list of strings. */
  readonly topics: string;
  readonly stargazerCount: number;
  readonly forkCount: number;
  readonly openIssuesCount: number;
  readonly watcherCount: number;
  readonly diskUsageKb: number;
  readonly commitCount: number;
  readonly pullRequestCount: number;
  readonly defaultBranch: string | null;
  readonly githubCreatedAt: string | null;
  readonly githubUpdatedAt: string | null;
  readonly pushedAt: string | null;
  /** When the old service last wrote the row (its updatedAt). */
  readonly harvestedAt: string;
}

/** Repositories -> repository; the owner through the user map, legacy ids kept in legacy_import.repository_map. */

export const repositoriesMapper: TableMapper<RepositoryRecord> = {
  table: 'Repositories',
  columns: [
    'id',
    'user_id',
    'name',
    'description',
    'topics',
    'primary_language',
    'license',
    'homepage',
    'default_branch',
    'stars',
    'forks',
    'issues',
    'commit_count',
    'pull_request_count',
    'size',
    'watchers',
    'last_commit',
    'source_created_at',
    'source_updated_at',
    'createdAt',
    'updatedAt',
  ],
  map: childRows((row, ownerId, issues) => {
    const harvestedFallback = firstTimestamp([['createdAt', quietTimestamp(row.createdAt)]]);
    return {
      legacyId: row.id,
      ownerId,
      name: legacyText(row.name, 'name', issues) ?? '',
      description: legacyText(row.description, 'description', issues),
      homepageUrl: legacyText(row.homepage, 'homepage', issues),
      primaryLanguage: legacyText(row.primary_language, 'primary_language', issues),
      license: legacyText(row.license, 'license', issues),
      topics: canonicalJson(topics(row.topics, issues)),
      stargazerCount: legacyInt(row.stars, 0),
      forkCount: legacyInt(row.forks, 0),
      openIssuesCount: legacyInt(row.issues, 0),
      watcherCount: legacyInt(row.watchers, 0),
      diskUsageKb: legacyInt(row.size, 0),
      commitCount: legacyInt(row.commit_count, 0),
      pullRequestCount: legacyInt(row.pull_request_count, 0),
      defaultBranch: legacyText(row.default_branch, 'default_branch', issues),
      githubCreatedAt: legacyTimestamp(row.source_created_at, 'source_created_at', issues),
      githubUpdatedAt: legacyTimestamp(row.source_updated_at, 'source_updated_at', issues),
      pushedAt: legacyTimestamp(row.last_commit, 'last_commit', issues),
      harvestedAt: legacyTimestamp(row.updatedAt, 'updatedAt', issues, harvestedFallback)!,
    };
  }),
  key: (repo) => repo.legacyId,
  values: (record) => REPOSITORY_COLUMNS.map(([, , value]) => value(record)),
};

function topics(value: unknown, issues: RowIssues): string[] {
  const data = legacyJsonList(value, 'topics', issues);
  const list = data.filter((t): t is string => typeof t === 'string');
  if (list.length !== data.length)
    issues.repaired(
      'reshaped-json',
      `topics: ${data.length - list.length} entries that are not text dropped`,
    );
  return list;
}
