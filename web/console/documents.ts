/**
 * What the console asks the public API (schema/schema.graphql). Everything it shows comes through
 * these operations with the operator's key: the console has no private back door.
 */

export const HEALTH_FIELDS = `
  systemHealth {
    status checkedAt version uptimeSeconds
    components { name status required message latencyMs }
  }`;

export const QUEUE_FIELDS = `queues { name waiting active delayed failed completed paused workers }`;
export const TOKEN_FIELDS = `githubTokens {
  token valid remaining limit resetAt graphqlRemaining graphqlLimit graphqlResetAt restingUntil
}`;
export const ERROR_FIELDS = `recentErrors(minutes: 60) { code count lastSeenAt }`;
export const RUN_FIELDS = `id status trigger startedAt finishedAt durationMs rankedUsers countries error`;
export const HARVEST_FIELDS = `id login status progress stage trigger enqueuedAt startedAt finishedAt error`;
export const COUNTRY_HARVEST_FIELDS = `
  id state createdAt finishedAt error
  country { code name }
  progress { queriesDone searches usersFound harvestsRequested loginsSkipped incompleteSearches }`;

/** Everything, at sign-in and after a reconnect (events may have been missed). */
export const OVERVIEW = `query ConsoleOverview {
  ${HEALTH_FIELDS}
  operations {
    instance
    ${QUEUE_FIELDS}
    ${TOKEN_FIELDS}
    ${ERROR_FIELDS}
    rankingRuns(first: 10) { ${RUN_FIELDS} }
    harvests { ${HARVEST_FIELDS} }
    countryHarvests { ${COUNTRY_HARVEST_FIELDS} }
    healthHistory(minutes: 60) { component samples { at status detail } }
  }
}`;

/** What has no subscription, re-read every REFRESH_INTERVAL_MS. */
export const REFRESH = `query ConsoleRefresh {
  operations {
    ${QUEUE_FIELDS}
    ${TOKEN_FIELDS}
    ${ERROR_FIELDS}
  }
}`;

/** Health alone: on a resync and while the live link is down. */
export const HEALTH = `query ConsoleHealth {
  ${HEALTH_FIELDS}
  operations { instance healthHistory(minutes: 60) { component samples { at status detail } } }
}`;

export const RUNS_AND_HARVESTS = `query ConsoleActivity {
  operations {
    rankingRuns(first: 10) { ${RUN_FIELDS} }
    harvests { ${HARVEST_FIELDS} }
    countryHarvests { ${COUNTRY_HARVEST_FIELDS} }
  }
}`;

export const HEALTH_CHANGED = `subscription ConsoleHealthChanged {
  systemHealthChanged { instance status checkedAt resync changes { component from to message } }
}`;

export const HARVEST_ACTIVITY = `subscription ConsoleHarvestActivity {
  harvestActivity { login finished resync harvest { ${HARVEST_FIELDS} } }
}`;

export const COUNTRY_HARVEST_ACTIVITY = `subscription ConsoleCountryHarvestActivity {
  countryHarvestActivity { ${COUNTRY_HARVEST_FIELDS} }
}`;

export const RANKINGS_UPDATED = `subscription ConsoleRankingsUpdated {
  rankingsUpdated { ${RUN_FIELDS} }
}`;
