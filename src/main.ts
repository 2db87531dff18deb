import 'reflect-metadata';
import { parseArgs } from 'node:util';
import type { App, AppOverrides, Role } from './app';
import { readEnvironment, resolveConfiguration } from './bootstrap';
import type { MigrateAction } from './cli/migrate.command';
import { ConfigError, type RawEnv } from './config/load-config';
import { releaseIdleAsyncContexts } from './platform/database/idle-async-contexts';
import { createStdoutLogger } from './platform/logging/logger';

const ROLES: readonly string[] = ['api', 'worker', 'all'];

const USAGE = `usage: main [api|worker|all]            run a role (default: all)
       main migrate [--status|--down|--check|--create [name]]
       main apikey create|list|revoke ...
       main import-mysql --source mysql://user:password@host:3306/db [--dry-run] [--verify] ...`;

export interface RunOptions {
  readonly env?: RawEnv;
  readonly cwd?: string;
  readonly overrides?: AppOverrides;
  /** Whether SIGTERM/SIGINT and uncaught errors drain and exit the process (true for the real entry point). */
  readonly handleSignals?: boolean;
}

/** Parses the command line, resolves configuration, runs the command. Resolves with an exit code for one-shot commands. */
export async function run(argv: readonly string[], options: RunOptions = {}): Promise<number | App> {
  const [command = 'all', ...rest] = argv;
  const env = readEnvironment(options.env ?? process.env, options.cwd ?? process.cwd());
  let loaded;
  try {
    loaded = await resolveConfiguration(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 78; // EX_CONFIG
    }
    throw error;
  }
  const { config, secrets } = loaded;
  const logger = options.overrides?.logger ?? createStdoutLogger(config.log);

  if (command === 'migrate') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        status: { type: 'boolean' },
        down: { type: 'boolean' },
        check: { type: 'boolean' },
        create: { type: 'boolean' },
      },
    });
    const action: MigrateAction = values.status
      ? 'status'
      : values.down
        ? 'down'
        : values.check
          ? 'check'
          : values.create
            ? 'create'
            : 'up';
    const { runMigrateCommand } = await import('./cli/migrate.command.js');
    return runMigrateCommand(config, logger, action, positionals[0], (line) =>
      process.stdout.write(`${line}\n`),
    );
  }
  if (command === 'apikey') {
    const { runApiKeyCommand } = await import('./cli/apikey.command.js');
    return runApiKeyCommand(
      config,
      logger,
      rest,
      (line) => process.stdout.write(`${line}\n`),
      (line) => process.stderr.write(`${line}\n`),
    );
  }
  if (command === 'import-mysql') {
    // Each command loads only its own modules: the import needs none of the server's.
    const { runImportMysqlCommand } = await import('./cli/import-mysql.command.js');
    return runImportMysqlCommand(config, logger, rest, {
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
      progress: process.stdout,
      tty: process.stdout.isTTY === true,
      cwd: options.cwd ?? process.cwd(),
      env: options.env ?? process.env,
    });
  }
  if (!ROLES.includes(command) || rest.length > 0) {
    console.error(USAGE);
    return 64; // EX_USAGE
  }

  const { createApp, reportStartupFailure } = await import('./app.js');
  try {
    const app = await createApp(config, { ...options.overrides, logger, secrets });
    if (options.handleSignals) handleProcessExits(app, config.http.shutdownTimeoutMs);
    await app.start(command as Role);
    return app;
  } catch (error) {
    await reportStartupFailure(config.mail, logger, error);
    throw error;
  }
}

/**
 * The process's own exits: SIGTERM/SIGINT drain in-flight work within the timeout, then exit 0.
 * An error thrown or rejected outside any request (a callback, a promise nobody awaited) is logged
 * as one JSON `fatal` line with its stack (Node's default prints a bare stack trace to stderr and
 * exits at once), then drains the same way and exits 1: the state of the process is unknown, so
 * it is replaced (ECS starts a new task) rather than left running. Exit 1 as well if the drain
 * overran or failed.
 */
function handleProcessExits(app: App, timeoutMs: number): void {
  let stopping = false;
  let exitCode = 0;
  const stop = (code: 0 | 1) => {
    exitCode = Math.max(exitCode, code); // an error during a signal's drain still exits 1
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => {
      app.logger.error({ timeoutMs }, 'shutdown timed out; exiting with work unfinished');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    app.close().then(
      () => process.exit(exitCode),
      (error: unknown) => {
        app.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    app.logger.info({ signal, timeoutMs }, 'shutting down: draining in-flight work');
    stop(0);
  };
  const onUncaught = (error: unknown, origin: string) => {
    app.logger.fatal(
      { err: error, origin, timeoutMs },
      'uncaught error: draining in-flight work, then exiting 1',
    );
    stop(1);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  process.on('uncaughtException', (error) => onUncaught(error, 'uncaughtException'));
  process.on('unhandledRejection', (reason) => onUncaught(reason, 'unhandledRejection'));
}

if (require.main === module) {
  // Process-wide: promise hooks only while a transaction or flush runs (platform/database).
  releaseIdleAsyncContexts();
  run(process.argv.slice(2), { handleSignals: true }).then(
    (result) => {
      if (typeof result === 'number') process.exit(result);
    },
    (error: unknown) => {
      console.error('fatal:', error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
