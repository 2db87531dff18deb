import type { Cluster, Redis } from 'ioredis';
import { settingsFromSecret } from '../../config/secret-mapping';
import type { Logger } from '../logging/logger';
import type { SecretStore } from '../secrets/secret-store';

type RedisClient = Redis | Cluster;

/** The ACL user (or none: the `default` user) and password or auth token Valkey connections use. */
export interface RedisLogin {
  readonly username: string | undefined;
  readonly password: string | undefined;
}

/** The redis secret's AWSCURRENT version re-read now, and its AWSPENDING one during a rotation. */
export type RedisLoginSource = () => Promise<{ current: RedisLogin; pending?: RedisLogin }>;

/** Valkey's answers to a refused login: a wrong ACL password or token, or none given where needed. */
export function isRedisAuthFailure(error: unknown): boolean {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && /^(WRONGPASS|NOAUTH)\b/.test(message);
}

/** Reads `username` and `password` out of the redis secret, as bootstrap maps them. */
export function secretRedisLogins(store: SecretStore, secretName: string): RedisLoginSource {
  const parse = (raw: string): RedisLogin => {
    const result = settingsFromSecret('redis', secretName, raw);
    if ('problem' in result) throw new Error(result.problem);
    return { username: result.settings.REDIS_USERNAME, password: result.settings.REDIS_PASSWORD };
  };
  return async () => {
    const current = parse(await store.refresh(secretName));
    const pending = await store.readStage(secretName, 'AWSPENDING').catch(() => undefined);
    return { current, pending: pending === undefined ? undefined : parse(pending) };
  };
}

const sameLogin = (a: RedisLogin, b: RedisLogin) => a.username === b.username && a.password === b.password;

/**
 * Keeps every Valkey connection of the process (commands, pub/sub, BullMQ's producers, workers and
 * the blocking connections BullMQ duplicates from them) on the current login. A connection refused
 * with WRONGPASS/NOAUTH (after an ACL password or auth-token change, when it reconnects) re-reads
 * the redis secret, at most once per `minIntervalMs` however many connections fail together; a
 * changed login (AWSCURRENT, else AWSPENDING when AWSCURRENT is the refused one) is written into
 * every connection's options, which ioredis reads again on its next reconnect (its retry strategy
 * already reconnects after a refused AUTH; subscribers subscribe again by themselves). Connections
 * that are up are left alone: Valkey keeps them authenticated.
 */
export class RedisAuthRotation {
  private readonly clients = new Set<RedisClient>();
  private refreshing: Promise<void> | undefined;
  private lastRefreshAt = 0;
  private rotationCount = 0;

  constructor(
    private login: RedisLogin,
    private readonly source: RedisLoginSource | undefined,
    private readonly logger: Logger,
    private readonly minIntervalMs = 1_000,
    private readonly now: () => number = Date.now,
  ) {}

  get rotations(): number {
    return this.rotationCount;
  }

  /** Follows `client` (and what is duplicated from it) until it ends. */
  track<T extends RedisClient>(client: T): T {
    this.clients.add(client);
    client.once('end', () => this.clients.delete(client));
    client.on('error', (error: Error) => {
      if (isRedisAuthFailure(error)) this.refused();
    });
    const duplicate = client.duplicate.bind(client) as (...args: unknown[]) => RedisClient;
    // BullMQ duplicates its connection for blocking commands: those must follow rotations too.
    (client as { duplicate: (...args: unknown[]) => RedisClient }).duplicate = (...args) =>
      this.track(withLogin(duplicate(...args), this.login));
    return client;
  }

  private refused(): void {
    if (!this.source || this.refreshing || this.now() - this.lastRefreshAt < this.minIntervalMs) return;
    this.lastRefreshAt = this.now();
    this.refreshing = this.source()
      .then(({ current, pending }) => {
        const next = !sameLogin(current, this.login) ? current : pending;
        if (!next || sameLogin(next, this.login)) {
          this.logger.warn('valkey refused the login and the redis secret offers no other');
          return;
        }
        this.adopt(next);
      })
      .catch((error: unknown) =>
        this.logger.warn({ err: error }, 'redis secret could not be re-read after a refused login'),
      )
      .finally(() => (this.refreshing = undefined));
  }

  private adopt(login: RedisLogin): void {
    const userChanged = login.username !== this.login.username;
    this.login = login;
    this.rotationCount += 1;
    for (const client of this.clients) withLogin(client, login);
    this.logger.info(
      { connections: this.clients.size, userChanged, rotations: this.rotationCount },
      'valkey login rotated: connections use the secret’s new credentials from their next reconnect',
    );
  }
}

/** Writes `login` where ioredis reads it on (re)connect: the client's options, a cluster's node options. */
function withLogin<T extends RedisClient>(client: T, login: RedisLogin): T {
  if ('nodes' in client && client.isCluster) {
    const cluster = client as Cluster;
    // Mutated in place: the cluster's connection pool holds this object and builds new nodes from it.
    cluster.options.redisOptions ??= {};
    Object.assign(cluster.options.redisOptions, login);
    for (const node of cluster.nodes('all')) Object.assign(node.options, login);
  } else {
    Object.assign((client as Redis).options, login);
  }
  return client;
}
