import type { EntityManager } from '@mikro-orm/postgresql';
import { RepositoryNode } from './repository.types';

/**
 * A `repository` row read without the entity (for speed), in the API's words. This is the one
 * place that knows the table's column names for such reads; GraphQL types are built from records.
 */
export interface RepositoryRecord {
  readonly id: number;
  readonly githubId: number | null;
  readonly name: string;
  readonly description: string | null;
  readonly homepageUrl: string | null;
  readonly primaryLanguage: string | null;
  readonly licenseSpdxId: string | null;
  readonly topics: string[];
  readonly stargazerCount: number;
  readonly forkCount: number;
  readonly watcherCount: number;
  readonly defaultBranch: string | null;
  readonly openIssueCount: number;
  readonly diskUsage: number;
  readonly commitCount: number | null;
  readonly pullRequestCount: number | null;
  readonly isFork: boolean;
  readonly isArchived: boolean;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
  readonly pushedAt: string | null;
}

const time = (v: unknown) => (v == null ? null : new Date(v as string | Date).toISOString());
const count = (v: unknown) => (v == null ? null : Number(v));

/** Maps a raw `repository` row (`select *`, or its cached JSON form) to a record. */
export function repositoryRecord(row: Record<string, unknown>): RepositoryRecord {
  return {
    id: Number(row.id),
    githubId: count(row.github_id),
    name: row.name as string,
    description: (row.description as string | null) ?? null,
    homepageUrl: (row.homepage_url as string | null) ?? null,
    primaryLanguage: (row.primary_language as string | null) ?? null,
    licenseSpdxId: (row.license as string | null) ?? null,
    topics: (row.topics as string[] | null) ?? [],
    stargazerCount: Number(row.stargazer_count),
    forkCount: Number(row.fork_count),
    watcherCount: Number(row.watcher_count),
    defaultBranch: (row.default_branch as string | null) ?? null,
    openIssueCount: Number(row.open_issues_count),
    diskUsage: Number(row.disk_usage_kb),
    commitCount: count(row.commit_count),
    pullRequestCount: count(row.pull_request_count),
    isFork: Boolean(row.is_fork),
    isArchived: Boolean(row.is_archived),
    createdAt: time(row.github_created_at),
    updatedAt: time(row.github_updated_at),
    pushedAt: time(row.pushed_at),
  };
}

/** `node(id:)` for repositories. */
export async function findRepositoryNode(em: EntityManager, id: number): Promise<RepositoryNode | null> {
  const [row] = await em.execute<Record<string, unknown>[]>('select * from repository where id = ?', [id]);
  return row ? RepositoryNode.from(repositoryRecord(row)) : null;
}
