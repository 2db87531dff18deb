import { isResync, type RankingsUpdatedPayload, type ResyncMarker } from '../../core/topics';
import type { RankingRun } from './ranking-run.entity';
import type { RankingRunResult } from './ranking-run.service';

/** The run a RANKINGS_UPDATED event carries, with its dates back. */
export function fromRankingsPayload(payload: RankingsUpdatedPayload): RankingRunResult {
  return {
    ...payload,
    status: payload.status as RankingRun['status'],
    trigger: payload.trigger as RankingRun['trigger'],
    startedAt: new Date(payload.startedAt),
    finishedAt: payload.finishedAt ? new Date(payload.finishedAt) : null,
  };
}

/** Whether a subscriber of `country` (or of every run) gets the event; a resync reaches everyone. */
export function rankingsEventFor(event: RankingsUpdatedPayload | ResyncMarker, country: unknown): boolean {
  if (isResync(event) || country == null) return true;
  const code = String(country).trim().toUpperCase();
  return event.status === 'completed' && event.countryCodes.includes(code);
}
