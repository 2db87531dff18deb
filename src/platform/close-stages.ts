import type { Logger } from './logging/logger';

/**
 * Runs every stage in order, each even when an earlier one failed, so a failing step never
 * leaves connections open; then rejects with the first failure (all of them are counted in the log).
 */
export async function closeStages(
  stages: readonly (() => Promise<unknown>)[],
  logger: Logger,
  what: string,
): Promise<void> {
  const failures: unknown[] = [];
  for (const stage of stages) await stage().catch((error: unknown) => failures.push(error));
  if (failures.length === 0) return;
  logger.error({ err: failures[0], failures: failures.length }, `${what} closed with errors`);
  throw failures[0];
}
