import { execFile, execFileSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  assertNotReserved,
  freePort,
  probePort,
  startReaper,
  waitFor,
  waitUntilPortRefuses,
} from './free-port';

/**
 * A PostgreSQL server of a test's own, for fault tests (stop it, watch the app report the database
 * down, start it again on the same port, watch it recover). Never the shared one on 5432.
 *
 *   let pg: ThrowawayPostgres;
 *   beforeAll(async () => { pg = await startThrowawayPostgres(); }, 60_000);
 *   afterAll(() => pg?.dispose());   // always: it runs even when a test failed
 *
 * It uses the Debian server binaries (`/usr/lib/postgresql/<version>/bin`, the highest installed, or
 * `PG_BIN_DIR`), run as the `postgres` user through `runuser` when the tests run as root (PostgreSQL
 * refuses to run as root). The cluster lives in a fresh temporary directory with trust
 * authentication, listens on 127.0.0.1 only and keeps its socket in that directory. If the test
 * worker dies without `dispose()`, a watchdog stops the server and removes the directory.
 */
export interface ThrowawayPostgres {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Superuser; trust authentication, so no password is needed. */
  readonly user: 'postgres';
  readonly database: 'postgres';
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly connectionString: string;
  /** The temporary directory holding the cluster (`data/`), its log (`log`) and its socket. */
  readonly dir: string;
  /** Whether the server is up (as far as this handle knows). */
  readonly running: boolean;
  /** Starts the server again on the same port, with the same data. No-op when running. */
  start(): Promise<void>;
  /** Stops the server (`pg_ctl stop -m fast`) and resolves once the port refuses. No-op when stopped. */
  stop(): Promise<void>;
  /** Stops the server and removes the directory. Safe to call twice; the handle is unusable after it. */
  dispose(): Promise<void>;
}

export interface ThrowawayPostgresOptions {
  /** Extra server settings passed as `-c name=value` (values without spaces). */
  readonly settings?: Readonly<Record<string, string>>;
  /** How long initdb, start and stop may each take. Default 60 s. */
  readonly timeoutMs?: number;
  /**
   * TCP logins need a password (scram-sha-256 in pg_hba.conf, as RDS does) and the superuser gets
   * this one; the local socket stays trusted. Default: trust everywhere.
   */
  readonly superuserPassword?: string;
}

const HOST = '127.0.0.1';
const FIRST_START_ATTEMPTS = 5;
const run = promisify(execFile);

/** Throw-away data need not survive a crash: skip the fsyncs that make start-up and writes slow. */
const FAST_SETTINGS: Readonly<Record<string, string>> = {
  listen_addresses: HOST,
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
};

export async function startThrowawayPostgres(
  options: ThrowawayPostgresOptions = {},
): Promise<ThrowawayPostgres> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const bin = postgresBinDir();
  const asRoot = process.getuid?.() === 0;
  // /tmp rather than os.tmpdir(): the postgres user must be able to reach it.
  const dir = mkdtempSync('/tmp/throwaway-postgres-');
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'log');
  const tail = () =>
    existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
  if (asRoot) {
    try {
      chownSync(dir, postgresId('-u'), postgresId('-g'));
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error('PostgreSQL refuses to run as root and there is no usable `postgres` user', {
        cause: error,
      });
    }
  }
  // runuser keeps the environment; LC_ALL=C keeps initdb off locales this machine may not have.
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  const command = (tool: string, args: readonly string[]): [string, string[]] =>
    asRoot
      ? ['runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]]
      : [path.join(bin, tool), [...args]];
  const postgresTool = async (tool: string, args: readonly string[]): Promise<void> => {
    const [file, argv] = command(tool, args);
    try {
      await run(file, argv, { cwd: dir, env, timeout: timeoutMs + 5_000 });
    } catch (error) {
      const { stderr, stdout } = error as { stderr?: string; stdout?: string };
      const output = (stderr || stdout || String(error)).trim();
      throw new Error(`${tool} ${args.join(' ')} failed: ${output}\n${tail()}`, { cause: error });
    }
  };

  const writePasswordFile = (): string => {
    const file = path.join(dir, 'pwfile');
    writeFileSync(file, `${options.superuserPassword}\n`, { mode: 0o600 });
    if (asRoot) chownSync(file, postgresId('-u'), postgresId('-g'));
    return file;
  };

  const reaper = startReaper(dir, command('pg_ctl', ['-D', dataDir, 'stop', '-m', 'immediate']).flat());

  let port = 0;
  let running = false;
  let disposed = false;

  const launch = async (): Promise<void> => {
    assertNotReserved(port);
    const settings = { ...FAST_SETTINGS, ...options.settings };
    const serverArgs = [
      `-p ${port}`,
      `-k ${dir}`,
      ...Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`),
    ].join(' ');
    const timeout = String(Math.ceil(timeoutMs / 1000));
    await postgresTool('pg_ctl', [
      '-D',
      dataDir,
      '-o',
      serverArgs,
      '-l',
      logFile,
      '-w',
      '-t',
      timeout,
      'start',
    ]);
    running = true;
    await waitFor(async () => (await probePort(port)) === 'open', `PostgreSQL on port ${port}`, timeoutMs);
  };

  const halt = async (): Promise<void> => {
    if (!running) return;
    const timeout = String(Math.ceil(timeoutMs / 1000));
    try {
      await postgresTool('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', timeout, 'stop']);
    } catch (error) {
      // A server that died by itself is stopped already: `pg_ctl status` exits 3 for "not running".
      const [file, argv] = command('pg_ctl', ['-D', dataDir, 'status']);
      const notRunning = await run(file, argv, { cwd: dir, env }).then(
        () => false,
        (status: { code?: number }) => status.code === 3,
      );
      if (!notRunning) throw error;
    }
    running = false;
    await waitUntilPortRefuses(port, timeoutMs);
  };

  // Operations run one at a time, in call order, so a stop() racing a start() cannot interleave.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = (operation: () => Promise<void>): Promise<void> => {
    const result = queue.then(operation, operation);
    queue = result.catch(() => undefined);
    return result;
  };
  const usable = () => {
    if (disposed) throw new Error('this throw-away PostgreSQL was disposed');
  };

  const cleanUp = async () => {
    disposed = true;
    await halt().catch(() =>
      postgresTool('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']).catch(() => undefined),
    );
    reaper.cancel();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const auth = options.superuserPassword
      ? ['--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${writePasswordFile()}`]
      : ['-A', 'trust'];
    await postgresTool('initdb', [
      '-D',
      dataDir,
      ...auth,
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--locale=C',
      '-N',
    ]);
    // The first start picks a fresh port, and another if something grabbed it in the meantime.
    for (let attempt = 1; ; attempt += 1) {
      port = await freePort();
      try {
        await launch();
        break;
      } catch (error) {
        await halt().catch(() => undefined);
        if (attempt >= FIRST_START_ATTEMPTS) throw error;
      }
    }
  } catch (error) {
    await cleanUp();
    throw error;
  }

  return {
    host: HOST,
    port,
    user: 'postgres',
    database: 'postgres',
    connectionString: `postgres://postgres@${HOST}:${port}/postgres`,
    dir,
    get running() {
      return running;
    },
    start: () =>
      serial(async () => {
        usable();
        if (!running) await launch();
      }),
    stop: () =>
      serial(async () => {
        usable();
        await halt();
      }),
    dispose: () =>
      serial(async () => {
        if (!disposed) await cleanUp();
      }),
  };
}

function postgresId(flag: '-u' | '-g'): number {
  return Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
}

/** `PG_BIN_DIR`, or the highest `/usr/lib/postgresql/<version>/bin` that has `pg_ctl`. */
export function postgresBinDir(): string {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+(\.\d+)?$/.test(name) && existsSync(path.join(root, name, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(`no PostgreSQL server binaries under ${root} (install postgresql, or set PG_BIN_DIR)`);
  }
  return path.join(root, versions[0], 'bin');
}
