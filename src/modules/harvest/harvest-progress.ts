import { type HarvestProgressPayload, isoOrNull } from '../../core/topics';
import type { HarvestStatus, HarvestTrigger } from './harvest-job.entity';
import type { HarvestState } from './harvest-requests';

/** A harvest's state as its pub/sub event carries it (JSON: dates as ISO strings). */
export function toProgressPayload(state: HarvestState): HarvestProgressPayload {
  return {
    ...state,
    enqueuedAt: state.enqueuedAt.toISOString(),
    startedAt: isoOrNull(state.startedAt),
    finishedAt: isoOrNull(state.finishedAt),
  };
}

export function fromProgressPayload(payload: HarvestProgressPayload): HarvestState {
  const date = (value: string | null) => (value ? new Date(value) : null);
  return {
    ...payload,
    status: payload.status as HarvestStatus,
    trigger: payload.trigger as HarvestTrigger,
    enqueuedAt: new Date(payload.enqueuedAt),
    startedAt: date(payload.startedAt),
    finishedAt: date(payload.finishedAt),
  };
}

/** Whether a harvest in this status is over (nothing more will be published for it). */
export function isFinished(status: string): boolean {
  return status === 'completed' || status === 'failed' || status === 'not_found';
}
