import type { LegacySource } from './legacy-source';
import { EPOCH, quietTimestamp } from './legacy-values';

/** One ranking run to create in the target for imported ranks. */
export interface RunSpec {
  readonly key: string;
  readonly startedAt: string;
  readonly finishedAt: string;
}

/** Target run ids of the imported runs. */
export interface RunIds {
  /** The run holding UserRankings (the current ranks), null when the legacy table is empty. */
  readonly current: number | null;
  readonly byKey: ReadonlyMap<string, number>;
}

export const CURRENT_RUN_KEY = 'UserRankings';

/** The run of a legacy snapshot: one per (job_id, ranking_calculated_at). */
export function snapshotRunKey(jobId: unknown, calculatedAt: string | null): string {
  return `RankingSnapshots|${jobId === null || jobId === undefined ? '' : String(jobId)}|${calculatedAt ?? ''}`;
}

/**
 * The runs the import creates, oldest first: one per group of legacy snapshots and, last, the
 * current ranks (finished at the latest last_calculated_at), so the service reads the imported
 * current ranks as its current run.
 */
export async function planRuns(source: LegacySource): Promise<RunSpec[]> {
  const groups = await source.query<{
    job_id: string | null;
    calc: string | null;
    first: string | null;
    last: string | null;
  }>(
    `SELECT job_id, ranking_calculated_at AS calc, MIN(recorded_at) AS first, MAX(recorded_at) AS last
     FROM RankingSnapshots GROUP BY job_id, ranking_calculated_at`,
  );
  const byKey = new Map<string, RunSpec>();
  for (const group of groups) {
    const calc = quietTimestamp(group.calc);
    const key = snapshotRunKey(group.job_id, calc);
    // Started when it was calculated, finished when its last snapshot was recorded.
    const first = calc ?? quietTimestamp(group.first) ?? EPOCH;
    const recorded = quietTimestamp(group.last);
    const last = recorded && recorded > first ? recorded : first;
    const known = byKey.get(key);
    byKey.set(key, {
      key,
      startedAt: known && known.startedAt < first ? known.startedAt : first,
      finishedAt: known && known.finishedAt > last ? known.finishedAt : last,
    });
  }
  const runs = [...byKey.values()].sort((a, b) =>
    a.finishedAt === b.finishedAt ? (a.key < b.key ? -1 : 1) : a.finishedAt < b.finishedAt ? -1 : 1,
  );
  const [current] = await source.query<{ n: number | string; at: string | null }>(
    `SELECT COUNT(*) AS n, MAX(NULLIF(last_calculated_at, '0000-00-00 00:00:00')) AS at FROM UserRankings`,
  );
  if (Number(current?.n ?? 0) > 0) {
    const latest = runs.at(-1)?.finishedAt ?? EPOCH;
    const at = quietTimestamp(current?.at) ?? latest;
    const finishedAt = at < latest ? latest : at;
    runs.push({ key: CURRENT_RUN_KEY, startedAt: finishedAt, finishedAt });
  }
  return runs;
}
