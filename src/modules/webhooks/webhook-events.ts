/**
 * What a GitHub webhook event changes in what we store, read from its payload (GitHub's webhook
 * documentation: each event's `repository` object carries the repository's current counts). Pure:
 * no database, no network. Events and actions not listed change nothing we store.
 */

/** Repository counts a payload carries as absolute values (so applying one twice is harmless). */
export interface RepositoryCounts {
  stargazerCount?: number;
  forkCount?: number;
  openIssuesCount?: number;
}

export type WebhookEffect =
  /** Set these counts on the stored repository (by GitHub id); its owner is refreshed if it is not stored. */
  | { readonly kind: 'counts'; readonly repository: RepositoryRef; readonly counts: RepositoryCounts }
  | { readonly kind: 'renamed'; readonly repository: RepositoryRef }
  /** Deleted or made private: we keep public repositories only. */
  | { readonly kind: 'removed'; readonly repository: RepositoryRef }
  /** The payload is not enough: harvest the developer again (when we store them). */
  | { readonly kind: 'refresh'; readonly login: string };

export interface RepositoryRef {
  readonly githubId: number;
  readonly name: string;
  readonly ownerLogin: string;
}

/** The events whose deliveries are recorded and acted on; any other is acknowledged and ignored. */
export const HANDLED_EVENTS = [
  'push',
  'star',
  'watch',
  'fork',
  'public',
  'repository',
  'member',
  'issues',
  'pull_request',
] as const;

export type HandledEvent = (typeof HANDLED_EVENTS)[number];

export function isHandledEvent(event: string): event is HandledEvent {
  return (HANDLED_EVENTS as readonly string[]).includes(event);
}

type Payload = Record<string, unknown>;

function object(value: unknown): Payload | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Payload)
    : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function loginOf(user: unknown): string | undefined {
  return text(object(user)?.login);
}

function repositoryOf(payload: Payload): (RepositoryRef & { raw: Payload }) | undefined {
  const raw = object(payload.repository);
  const githubId = raw?.id;
  const name = text(raw?.name);
  const ownerLogin = loginOf(raw?.owner);
  if (!raw || typeof githubId !== 'number' || !name || !ownerLogin) return undefined;
  return { githubId, name, ownerLogin, raw };
}

function defined(counts: RepositoryCounts): RepositoryCounts {
  return Object.fromEntries(Object.entries(counts).filter(([, v]) => v !== undefined));
}

/** The effects of one delivery (empty: nothing we store changes). */
export function effectsOf(event: HandledEvent, payload: Payload): WebhookEffect[] {
  const repo = repositoryOf(payload);
  const action = text(payload.action);
  if (!repo) return [];
  const { raw, ...repository } = repo;
  const refresh = (login: string | undefined): WebhookEffect[] => (login ? [{ kind: 'refresh', login }] : []);
  switch (event) {
    case 'push': // commits and activity: only a harvest counts them
    case 'public': // a new public repository
      return refresh(repository.ownerLogin);
    case 'star':
    case 'watch': // GitHub's `watch` event is starring
      return [
        { kind: 'counts', repository, counts: defined({ stargazerCount: count(raw.stargazers_count) }) },
      ];
    case 'fork':
      return [{ kind: 'counts', repository, counts: defined({ forkCount: count(raw.forks_count) }) }];
    case 'member': // a collaborator's contributions change
      return action === 'added' || action === 'removed' ? refresh(loginOf(payload.member)) : [];
    case 'issues':
    case 'pull_request': {
      if (action !== 'opened' && action !== 'closed') return [];
      const item = object(payload[event === 'issues' ? 'issue' : 'pull_request']);
      return [
        { kind: 'counts', repository, counts: defined({ openIssuesCount: count(raw.open_issues_count) }) },
        ...refresh(loginOf(item?.user)), // the author's activity
      ];
    }
    case 'repository':
      switch (action) {
        case 'renamed':
          return [{ kind: 'renamed', repository }];
        case 'deleted':
        case 'privatized':
          return [{ kind: 'removed', repository }];
        case 'publicized':
          return refresh(repository.ownerLogin);
        case 'transferred': {
          // The new owner gains it, the old one loses it: harvest both (GitHub's id keeps the row).
          const from = object(object(object(payload.changes)?.owner)?.from);
          return [...refresh(repository.ownerLogin), ...refresh(loginOf(from?.user ?? from?.organization))];
        }
        default:
          return [];
      }
  }
}
