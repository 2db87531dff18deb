import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');
/** tsx's loader: node runs the script itself, so a signal sent to the child reaches the script's process. */
const TSX_LOADER = path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');

export interface Child {
  readonly process: ChildProcess;
  output(): string;
  /** Resolves with the first stdout line matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal name). */
  exited(timeoutMs: number): Promise<number | string>;
  kill(): void;
}

/** Runs a TypeScript entry point with tsx in a child process, capturing its output. */
export function spawnTs(script: string, env: NodeJS.ProcessEnv, cwd = REPO_ROOT, args: string[] = []): Child {
  // TSX_TSCONFIG_PATH: decorators need the project's compiler options even when cwd is elsewhere.
  // Not the tsx CLI: it runs the script in a grandchild that a SIGKILL of the CLI leaves running.
  const tsconfig = path.join(REPO_ROOT, 'tsconfig.json');
  const child = spawn(process.execPath, ['--import', TSX_LOADER, path.resolve(REPO_ROOT, script), ...args], {
    env: { ...env, TSX_TSCONFIG_PATH: tsconfig },
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return capture(child);
}

function capture(
  child: ChildProcess & { stdout: NodeJS.ReadableStream; stderr: NodeJS.ReadableStream },
): Child {
  let output = '';
  const exit = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return {
    process: child,
    output: () => output,
    waitForLine(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${output}`)),
          timeoutMs,
        );
        const check = () => {
          const match = output.match(pattern);
          if (match) {
            clearTimeout(timer);
            child.stdout.off('data', check);
            resolve(match);
          }
        };
        child.stdout.on('data', check);
        check();
        void exit.then(() => {
          if (!output.match(pattern)) {
            clearTimeout(timer);
            reject(new Error(`process exited before printing ${pattern}:\n${output}`));
          }
        });
      });
    },
    exited(timeoutMs) {
      return Promise.race([
        exit,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms`)), timeoutMs),
        ),
      ]);
    },
    kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
