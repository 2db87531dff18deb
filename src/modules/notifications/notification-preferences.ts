import { DomainError } from '../../core/errors';
import { isValidLogin, loginKey } from '../users/login';

/** Events about watched developers, which anyone may choose. */
export const FOLLOWER_EVENTS = [
  'HARVEST_FINISHED',
  'HARVEST_FAILED',
  'RANK_CHANGED',
  'NEW_TROPHY',
  'FOLLOWER_MILESTONE',
  'STAR_MILESTONE',
] as const;

/** Events about the service, which only operators may choose (NOTIFICATION_EMAIL gets them all). */
export const OPERATOR_EVENTS = [
  'TOKEN_BUDGET_LOW',
  'COMPONENT_DOWN',
  'COMPONENT_RECOVERED',
  'SERVICE_STARTED',
  'STARTUP_FAILED',
  'SHUTTING_DOWN',
] as const;

export const NOTIFICATION_EVENTS = [...FOLLOWER_EVENTS, ...OPERATOR_EVENTS] as const;
export type NotificationEventName = (typeof NOTIFICATION_EVENTS)[number];

export const DELIVERY_MODES = ['immediate', 'digest'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

/** The jsonb document of a recipient's choices. Logins are stored as login keys (lower case). */
export interface NotificationPreferences {
  readonly enabled: boolean;
  readonly events: readonly NotificationEventName[];
  readonly watchedLogins: readonly string[];
  /** RANK_CHANGED: only changes of at least this many places. */
  readonly rankChangeThreshold: number;
  /** TOKEN_BUDGET_LOW: when the GitHub budget left falls below this percentage. */
  readonly tokenBudgetPercent: number;
  readonly deliveryMode: DeliveryMode;
  /** Digest: the local hour (0-23) in `timeZone` it goes out. */
  readonly digestHour: number;
  /** IANA time zone name. */
  readonly timeZone: string;
}

export const DEFAULT_PREFERENCES: NotificationPreferences = {
  enabled: true,
  events: ['HARVEST_FINISHED', 'HARVEST_FAILED'],
  watchedLogins: [],
  rankChangeThreshold: 10,
  tokenBudgetPercent: 10,
  deliveryMode: 'immediate',
  digestHour: 8,
  timeZone: 'UTC',
};

export const OPERATOR_PREFERENCES: NotificationPreferences = {
  ...DEFAULT_PREFERENCES,
  events: [...OPERATOR_EVENTS],
};

export const RANK_CHANGE_RANGE = [1, 100_000] as const;
export const PERCENT_RANGE = [1, 99] as const;
const MAX_EMAIL_LENGTH = 254;
/** An address as SES accepts it: one @, a dotted domain, no spaces or angle brackets. */
const EMAIL =
  /^[^\s@<>()",;:\\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

function refuse(argument: string, message: string): never {
  throw new DomainError('BAD_USER_INPUT', `${argument} ${message}`, { argument });
}

/** The address, lower-cased, or BAD_USER_INPUT. */
export function normalizeEmail(email: string, argument = 'email'): string {
  const trimmed = email.trim();
  if (trimmed.length > MAX_EMAIL_LENGTH || !EMAIL.test(trimmed))
    refuse(argument, 'must be an e-mail address (at most 254 characters)');
  return trimmed.toLowerCase();
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A change: omitted (undefined or null) fields keep their value. */
export type PreferencesChange = {
  readonly [K in keyof NotificationPreferences]?: NotificationPreferences[K] | null;
};

/** The preferences after `change`, each field checked; the first bad field is refused (BAD_USER_INPUT). */
export function applyPreferences(
  current: NotificationPreferences,
  change: PreferencesChange,
  limits: { readonly maxWatched: number; readonly operator: boolean },
): NotificationPreferences {
  const next: NotificationPreferences = { ...DEFAULT_PREFERENCES, ...current, ...withoutUndefined(change) };
  const unknown = next.events.filter((e) => !(NOTIFICATION_EVENTS as readonly string[]).includes(e));
  if (unknown.length > 0) refuse('events', `has unknown events: ${unknown.join(', ')}`);
  if (change.events && !limits.operator) {
    const operatorOnly = change.events.filter((e) => (OPERATOR_EVENTS as readonly string[]).includes(e));
    if (operatorOnly.length > 0)
      throw new DomainError('FORBIDDEN', `only operators may choose ${operatorOnly.join(', ')}`, {
        argument: 'events',
      });
  }
  if (next.watchedLogins.length > limits.maxWatched)
    refuse('watchedLogins', `may hold at most ${limits.maxWatched} logins`);
  const badLogin = next.watchedLogins.find((login) => !isValidLogin(login));
  if (badLogin !== undefined)
    refuse('watchedLogins', `holds "${badLogin.slice(0, 50)}", which is not a GitHub login`);
  inRange('rankChangeThreshold', next.rankChangeThreshold, RANK_CHANGE_RANGE);
  inRange('tokenBudgetPercent', next.tokenBudgetPercent, PERCENT_RANGE);
  inRange('digestHour', next.digestHour, [0, 23]);
  if (!isTimeZone(next.timeZone)) refuse('timeZone', 'must be an IANA time zone such as Europe/Berlin');
  return {
    ...next,
    events: [...new Set(next.events)],
    watchedLogins: [...new Set(next.watchedLogins.map(loginKey))],
  };
}

function inRange(argument: string, value: number, [min, max]: readonly [number, number]): void {
  if (!Number.isInteger(value) || value < min || value > max)
    refuse(argument, `must be an integer from ${min} to ${max}`);
}

function withoutUndefined(change: PreferencesChange): Partial<NotificationPreferences> {
  return Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined && v !== null));
}
