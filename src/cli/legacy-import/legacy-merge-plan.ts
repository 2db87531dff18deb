import type { LegacyTable } from './legacy-import.types';
import type { LegacySource } from './legacy-source';
import { quietTimestamp } from './legacy-values';

export interface MergedLogin {
  readonly winnerId: number;
  readonly winnerLogin: string;
}

/**
 * Logins that differ only in case are one GitHub account: the row fetched most recently wins
 * (ties: the higher id), the others are merged into it. Their child rows move to the winner,
 * except rows the winner (or a merged row ranked above) already has under the same target key:
 * those are skipped and reported.
 */
export interface MergePlan {
  /** Legacy id of a merged (losing) user -> the user it was merged into. */
  readonly losers: ReadonlyMap<number, MergedLogin>;
  /** Per child table: legacy row id -> the legacy user whose row with the same key wins. */
  readonly collisions: ReadonlyMap<LegacyTable, ReadonlyMap<number, number>>;
}

/** The condition under which a loser's row `l` duplicates a higher-ranked user's row `h`. */
const SAME_KEY: Partial<Record<LegacyTable, string>> = {
  Repositories: 'h.name = l.name',
  Activities: 'h.date = l.date',
  UserRankings: 'TRUE',
  RankingSnapshots: 'h.job_id <=> l.job_id AND h.ranking_calculated_at <=> l.ranking_calculated_at',
};

const PAIRS_PER_QUERY = 500;

export async function planMerges(source: LegacySource): Promise<MergePlan> {
  const rows = await source.query<{ id: number; username: string; last_fetched: string | null }>(
    `SELECT u.id, u.username, u.last_fetched FROM Users u
     JOIN (SELECT LOWER(username) AS k FROM Users GROUP BY LOWER(username) HAVING COUNT(*) > 1) d
       ON LOWER(u.username) = d.k`,
  );
  const groups = new Map<string, typeof rows>();
  for (const row of rows) {
    const key = row.username.toLowerCase();
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const losers = new Map<number, MergedLogin>();
  /** [loser, higher-ranked member of its group] */
  const pairs: [number, number][] = [];
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    members.sort((a, b) => {
      const at = quietTimestamp(a.last_fetched) ?? '';
      const bt = quietTimestamp(b.last_fetched) ?? '';
      return at === bt ? b.id - a.id : at < bt ? 1 : -1;
    });
    const [winner, ...rest] = members;
    rest.forEach((loser, i) => {
      losers.set(loser.id, { winnerId: winner!.id, winnerLogin: winner!.username });
      for (const higher of members.slice(0, i + 1)) pairs.push([loser.id, higher.id]);
    });
  }
  const collisions = new Map<LegacyTable, Map<number, number>>();
  for (const [table, condition] of Object.entries(SAME_KEY) as [LegacyTable, string][]) {
    const found = new Map<number, number>();
    for (let i = 0; i < pairs.length; i += PAIRS_PER_QUERY) {
      const chunk = pairs.slice(i, i + PAIRS_PER_QUERY);
      const derived = chunk.map(() => 'SELECT ? AS loser, ? AS higher').join(' UNION ALL ');
      const hits = await source.query<{ id: number; higher: number }>(
        `SELECT l.id, p.higher FROM \`${table}\` l JOIN (${derived}) p ON l.user_id = p.loser
         WHERE EXISTS (SELECT 1 FROM \`${table}\` h WHERE h.user_id = p.higher AND ${condition})`,
        chunk.flat(),
      );
      for (const hit of hits) if (!found.has(hit.id)) found.set(hit.id, hit.higher);
    }
    collisions.set(table, found);
  }
  return { losers, collisions };
}
