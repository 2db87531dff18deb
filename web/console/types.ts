/** The shapes the console's operations return (documents.ts). */

export type Status = 'OK' | 'DEGRADED' | 'DOWN' | 'DISABLED';

export interface Component {
  name: string;
  status: Status;
  required: boolean;
  message: string | null;
  latencyMs: number;
}

export interface SystemHealth {
  status: Status;
  checkedAt: string;
  version: string;
  uptimeSeconds: number;
  components: Component[];
}

export interface HealthSample {
  at: string;
  status: Status;
  detail: string | null;
}

export interface ComponentHistory {
  component: string;
  samples: HealthSample[];
}

export interface QueueFigures {
  name: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
  paused: boolean;
  workers: number;
}

export interface TokenBudget {
  token: string;
  valid: boolean;
  remaining: number | null;
  limit: number | null;
  resetAt: string | null;
  graphqlRemaining: number | null;
  graphqlLimit: number | null;
  graphqlResetAt: string | null;
  restingUntil: string | null;
}

export interface ErrorCount {
  code: string;
  count: number;
  lastSeenAt: string;
}

export interface RankingRun {
  id: number;
  status: string;
  trigger: string;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  rankedUsers: number;
  countries: number;
  error: string | null;
}

export interface Harvest {
  id: string;
  login: string;
  status: string;
  progress: number;
  stage: string | null;
  trigger: string;
  enqueuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

export interface CountryHarvest {
  id: string;
  state: string;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
  country: { code: string; name: string };
  progress: {
    queriesDone: number;
    searches: number;
    usersFound: number;
    harvestsRequested: number;
    loginsSkipped: number;
    incompleteSearches: number;
  };
}

export interface Refreshed {
  operations: { queues: QueueFigures[]; githubTokens: TokenBudget[]; recentErrors: ErrorCount[] };
}

export interface Activity {
  operations: { rankingRuns: RankingRun[]; harvests: Harvest[]; countryHarvests: CountryHarvest[] };
}

export interface HealthRead {
  systemHealth: SystemHealth;
  /** The api instance that answered: health and its history are its own. */
  operations: { instance: string; healthHistory: ComponentHistory[] };
}

export interface Overview {
  systemHealth: SystemHealth;
  operations: Refreshed['operations'] & Activity['operations'] & HealthRead['operations'];
}

export interface HealthChanged {
  systemHealthChanged: {
    instance: string;
    status: Status;
    checkedAt: string;
    resync: boolean;
    changes: { component: string; from: Status | null; to: Status; message: string | null }[];
  };
}

export interface HarvestActivity {
  harvestActivity: { login: string; finished: boolean; resync: boolean; harvest: Harvest | null };
}
