import { settingsFromSecret } from '../../config/secret-mapping';
import type { Logger } from '../logging/logger';
import type { SecretStore } from '../secrets/secret-store';

/** The user and password new database connections log in with. */
export interface DatabaseLogin {
  readonly user: string;
  readonly password: string | undefined;
}

/**
 * Logins to try after an authentication failure, best first: the database secret's AWSCURRENT
 * version re-read at once (bypassing the cache), then its AWSPENDING version when a rotation is in
 * progress (single-user rotation: after setSecret the database already has the pending password
 * while AWSCURRENT holds the old one until finishSecret).
 */
export type LoginSource = () => Promise<DatabaseLogin[]>;

/** SQLSTATEs of a refused login: 28P01 invalid_password, 28000 invalid_authorization_specification. */
const AUTHENTICATION_FAILURES = new Set(['28P01', '28000']);

export function isAuthenticationFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && AUTHENTICATION_FAILURES.has(code);
}

/** The database refused every login the secret offered, after bounded attempts. No secret in it. */
export class DatabaseAuthenticationError extends Error {
  readonly code: string;
  constructor(user: string, attempts: number, cause: unknown) {
    const sqlState = (cause as { code?: string }).code ?? 'unknown';
    super(
      `database authentication failed for user "${user}" (SQLSTATE ${sqlState}) after ${attempts} attempts, ` +
        'the database secret re-read each time: check the secret and the role',
      { cause },
    );
    this.name = 'DatabaseAuthenticationError';
    // Keeps the SQLSTATE so callers (and a nested retry) still see an authentication failure.
    this.code = sqlState;
  }
}

/** Reads the logins out of the database secret (`username`, `password`), as bootstrap maps them. */
export function secretLoginSource(store: SecretStore, secretName: string): LoginSource {
  const parse = (raw: string): DatabaseLogin => {
    const result = settingsFromSecret('database', secretName, raw);
    if ('problem' in result) throw new Error(result.problem);
    const { DB_USER, DB_PASSWORD } = result.settings;
    if (!DB_USER) throw new Error(`secret "${secretName}" holds no "username"`);
    return { user: DB_USER, password: DB_PASSWORD };
  };
  return async () => {
    const current = parse(await store.refresh(secretName));
    const pending = await store.readStage(secretName, 'AWSPENDING').catch(() => undefined);
    return pending === undefined ? [current] : [current, parse(pending)];
  };
}

export interface RotatingLoginOptions {
  /** Rounds of re-reading the secret and trying its logins before giving up. */
  readonly rounds?: number;
  /** Wait before the second round; doubles each round. */
  readonly backoffMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const sameLogin = (a: DatabaseLogin, b: DatabaseLogin) => a.user === b.user && a.password === b.password;

/**
 * The login of new connections, which follows a rotated secret: a connection refused with an
 * authentication failure re-reads the secret (one read shared by every connection failing at the
 * same time) and tries what it offers; the login that works is kept for every later connection.
 * Connections already open are not touched: they stay valid until they close. Without a source
 * (no database secret) an authentication failure is thrown as it is.
 */
export class RotatingLogin {
  private refreshing: Promise<DatabaseLogin[]> | undefined;
  private rotationCount = 0;
  private readonly rounds: number;
  private readonly backoffMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private current: DatabaseLogin,
    private readonly source: LoginSource | undefined,
    private readonly logger: Logger,
    options: RotatingLoginOptions = {},
  ) {
    this.rounds = options.rounds ?? 3;
    this.backoffMs = options.backoffMs ?? 200;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  get login(): DatabaseLogin {
    return this.current;
  }

  /** How many times a new login was adopted since start-up (health shows it). */
  get rotations(): number {
    return this.rotationCount;
  }

  /** Opens a connection with the current login, following a rotation when it is refused. */
  async connect<T>(open: (login: DatabaseLogin) => Promise<T>): Promise<T> {
    const first = this.current;
    let lastError: unknown;
    try {
      return await open(first);
    } catch (error) {
      if (!this.source || !isAuthenticationFailure(error)) throw error;
      lastError = error;
    }
    let attempts = 1;
    // Logins refused in this round; the first round starts with the one just refused.
    let refused: DatabaseLogin[] = [first];
    for (let round = 1; round <= this.rounds; round++) {
      if (round > 1) await this.sleep(this.backoffMs * 2 ** (round - 2));
      // Another connection may have adopted a new login meanwhile: try it before reading the secret.
      const candidates = sameLogin(this.current, first) ? await this.refresh() : [this.current];
      const tried = refused;
      refused = [];
      for (const login of candidates) {
        if (tried.some((r) => sameLogin(r, login))) continue;
        attempts += 1;
        try {
          const connection = await open(login);
          this.adopt(login);
          return connection;
        } catch (error) {
          if (!isAuthenticationFailure(error)) throw error;
          lastError = error;
          refused.push(login);
        }
      }
    }
    this.logger.error(
      { user: this.current.user, attempts },
      'database refused every login the secret offers',
    );
    throw new DatabaseAuthenticationError(this.current.user, attempts, lastError);
  }

  private refresh(): Promise<DatabaseLogin[]> {
    this.refreshing ??= this.source!().finally(() => (this.refreshing = undefined));
    return this.refreshing.catch((error: unknown) => {
      // A secret that cannot be read leaves only the login we have.
      this.logger.warn({ err: error }, 'database secret could not be re-read after a refused login');
      return [this.current];
    });
  }

  private adopt(login: DatabaseLogin): void {
    if (sameLogin(login, this.current)) return;
    const userChanged = login.user !== this.current.user;
    this.current = login;
    this.rotationCount += 1;
    this.logger.info(
      { user: login.user, userChanged, rotations: this.rotationCount },
      'database login rotated: new connections use the secret’s new credentials',
    );
  }
}
