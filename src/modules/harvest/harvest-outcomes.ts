import type { Logger } from '../../platform/logging/logger';
import type { HarvestState } from './harvest-requests';

export type HarvestOutcomeListener = (state: HarvestState) => Promise<void>;

/**
 * Where later modules hear of harvests that ended (completed or finally failed), in the worker
 * that ran them, after the result is committed. A listener's failure is logged and never reaches
 * the harvest. Notifications listen here; the harvest module knows no listener.
 */
export class HarvestOutcomes {
  private readonly listeners = new Set<HarvestOutcomeListener>();

  constructor(private readonly logger: Logger) {}

  subscribe(listener: HarvestOutcomeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async emit(state: HarvestState): Promise<void> {
    for (const listener of this.listeners) {
      await listener(state).catch((error: Error) =>
        this.logger.warn({ jobId: state.jobId, error: error.message }, 'harvest outcome listener failed'),
      );
    }
  }
}
