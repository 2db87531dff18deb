import { createHash } from 'node:crypto';
import { emptyCounters, LEGACY_TABLES, type LegacyTable } from './legacy-import.types';
import { mapBatch } from './legacy-import.runner';
import { mapperOf } from './legacy-table-plans';
import type { Locations, MapContext } from './legacy-mapper';
import { planMerges } from './legacy-merge-plan';
import { CURRENT_RUN_KEY } from './legacy-run-plan';
import type { LegacySource } from './legacy-source';
import { canonicalJson } from './legacy-values';
import { loadCountries, loadUserMap } from './legacy-target.writer';
import type { Sql } from './target-database';

export interface SideDigest {
  readonly rows: number;
  readonly checksum: string;
}

export interface TableVerification {
  readonly table: LegacyTable;
  readonly ok: boolean;
  readonly source: SideDigest;
  readonly target: SideDigest;
}

/** The imported target rows of each table, in the order of the mapper's `values`. */
const TARGET_ROWS: Record<LegacyTable, string> = {
  Users: `select login, login_key, name, name_key, avatar_url, bio, company, location, website_url, followers,
    following, public_repos, public_gists, social, organizations, country_code, country_match, harvested_at,
    created_at, updated_at from github_user where id in (select user_id from legacy_import.user_map)`,
  Repositories: `select owner_id, name, description, homepage_url, primary_language, license, topics, stargazer_count,
    fork_count, open_issues_count, watcher_count, disk_usage_kb, commit_count, pull_request_count, default_branch,
    github_created_at, github_updated_at, pushed_at, harvested_at
    from repository where id in (select repository_id from legacy_import.repository_map)`,
  Activities: `select user_id, date, commits, pull_requests, issues_opened from daily_activity
    where user_id in (select user_id from legacy_import.user_map)`,
  UserRankings: `select run_id, user_id, score, global_rank, country_code, country_rank from ranking_snapshot
    where run_id = (select run_id from legacy_import.run_map where run_key = '${CURRENT_RUN_KEY}')`,
  RankingSnapshots: `select run_id, user_id, score, global_rank, country_code, country_rank from ranking_snapshot
    where run_id in (select run_id from legacy_import.run_map where run_key <> '${CURRENT_RUN_KEY}')`,
};

/** An order-independent checksum: the sums (mod 2^32) of two words of each row's SHA-1. */
class Digest {
  private rows = 0;
  private low = 0;
  private high = 0;
  add(values: readonly unknown[]): void {
    const hash = createHash('sha1').update(JSON.stringify(values)).digest();
    this.low = (this.low + hash.readUInt32LE(0)) >>> 0;
    this.high = (this.high + hash.readUInt32LE(4)) >>> 0;
    this.rows += 1;
  }
  result(): SideDigest {
    return {
      rows: this.rows,
      checksum: this.high.toString(16).padStart(8, '0') + this.low.toString(16).padStart(8, '0'),
    };
  }
}

function targetValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') return canonicalJson(value);
  return value;
}

/** The lookups the mappers need, rebuilt from the target of a finished import (for `--verify` on its own). */
export async function loadVerifyContext(
  source: LegacySource,
  target: Sql,
  locations: Locations,
): Promise<MapContext> {
  const { rows } = await target.query<{ run_key: string; run_id: number }>(
    `select run_key, run_id from legacy_import.run_map`,
  );
  const byKey = new Map(rows.map((r) => [r.run_key, r.run_id]));
  const current = byKey.get(CURRENT_RUN_KEY) ?? null;
  return {
    users: await loadUserMap(target),
    merges: await planMerges(source),
    runs: { current, byKey },
    countries: current === null ? new Map() : await loadCountries(target, current),
    locations,
  };
}

/**
 * Reads every legacy table again through the same mappers and compares, per table, the number of
 * rows and a checksum of the mapped values with the imported rows of the target.
 */
export async function verifyImport(
  source: LegacySource,
  target: Sql,
  context: MapContext,
  batchSize: number,
): Promise<TableVerification[]> {
  const results: TableVerification[] = [];
  for (const table of LEGACY_TABLES) {
    const mapper = mapperOf(table);
    const sourceDigest = new Digest();
    for await (const rows of source.batches(table, mapper.columns, 0, batchSize)) {
      for (const record of mapBatch(mapper, rows, context, emptyCounters()).records)
        sourceDigest.add(mapper.values(record));
    }
    const targetDigest = new Digest();
    await target.query('begin read only');
    try {
      await target.query(`declare verify_rows no scroll cursor for ${TARGET_ROWS[table]}`);
      for (;;) {
        const { rows } = await target.query({
          text: `fetch ${batchSize} from verify_rows`,
          rowMode: 'array',
        });
        for (const row of rows as unknown[][]) targetDigest.add(row.map(targetValue));
        if (rows.length < batchSize) break;
      }
    } finally {
      await target.query('rollback');
    }
    const s = sourceDigest.result();
    const t = targetDigest.result();
    results.push({ table, ok: s.rows === t.rows && s.checksum === t.checksum, source: s, target: t });
  }
  return results;
}
