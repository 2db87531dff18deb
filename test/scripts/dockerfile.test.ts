import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * There is no Docker engine on these machines, so the Dockerfile is checked by reading it: these
 * are the invariants a build would otherwise reveal (or, worse, that only production would).
 */

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

interface Stage {
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Splits a Dockerfile into stages of instructions (continuations joined, comments dropped). */
function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = i + 1;
    let current = lines[i].trim();
    if (current === '' || current.startsWith('#')) continue;
    while (current.endsWith('\\') && i + 1 < lines.length) {
      i += 1;
      const next = lines[i].trim();
      current = `${current.slice(0, -1).trimEnd()} ${next.startsWith('#') ? '' : next}`.trim();
    }
    const [keyword, ...rest] = current.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' '), line };
    if (instruction.keyword === 'FROM') {
      const words = rest.filter((w) => !w.startsWith('--'));
      const asIndex = words.findIndex((w) => w.toUpperCase() === 'AS');
      stages.push({ image: words[0], name: asIndex >= 0 ? words[asIndex + 1] : undefined, instructions: [] });
    } else {
      if (stages.length === 0) throw new Error(`line ${line}: ${keyword} before the first FROM`);
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return stages;
}

const all = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);
const last = (stage: Stage, keyword: string) => all(stage, keyword).at(-1);
const execForm = (args: string): string[] => JSON.parse(args) as string[];

interface Copy {
  from: string | undefined;
  sources: string[];
  destination: string;
}

function parseCopy(args: string): Copy {
  const words = args.startsWith('[') ? execForm(args) : args.split(/\s+/);
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
  return { from, sources: paths.slice(0, -1), destination: paths[paths.length - 1] };
}

/** `.dockerignore` patterns as a predicate (the subset of Go's filepath.Match that matters here). */
function dockerignore(text: string): (file: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = path.posix.normalize((negate ? l.slice(1) : l).replace(/^\/+/, ''));
      const regex = pattern
        .split('/')
        .map((part) =>
          part === '**'
            ? '.*'
            : part
                .replace(/[.+^${}()|[\]\\]/g, '\\$&')
                .replace(/\*/g, '[^/]*')
                .replace(/\?/g, '[^/]'),
        )
        .join('/')
        .replace(/\.\*\//g, '(?:.*/)?');
      return { negate, regex: new RegExp(`^${regex}(?:/.*)?$`) };
    });
  return (file) => {
    let ignored = false;
    for (const rule of rules) if (rule.regex.test(file)) ignored = !rule.negate;
    return ignored;
  };
}

/** Resolves a destination against the stage's WORKDIR at that point. */
function workdirAt(stage: Stage, before: Instruction): string {
  let dir = '/';
  for (const i of stage.instructions) {
    if (i === before) break;
    if (i.keyword === 'WORKDIR') dir = path.posix.resolve(dir, i.args);
  }
  return dir;
}

const stages = parseDockerfile(read('Dockerfile'));
const build = stages[0];
const runtime = stages[stages.length - 1];
const ignored = dockerignore(read('.dockerignore'));
const tsconfig = JSON.parse(read('tsconfig.json')) as {
  compilerOptions: { outDir: string; rootDir: string };
};

describe('Dockerfile', () => {
  it('is multi-stage on Node 22 LTS images, each stage named', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) {
      expect(stage.image).toMatch(/^node:22(\.\d+)*(-[a-z0-9.-]+)?(@sha256:[0-9a-f]{64})?$/);
      expect(stage.name).toMatch(/^[a-z][a-z0-9_-]*$/);
    }
  });

  it('builds in the first stage: npm ci (all dependencies) then npm run build', () => {
    const runs = all(build, 'RUN').map((i) => i.args);
    const install = runs.findIndex((r) => /\bnpm ci\b/.test(r));
    const compile = runs.findIndex((r) => /\bnpm run build\b/.test(r));
    expect(install).toBeGreaterThanOrEqual(0);
    expect(runs[install]).not.toMatch(/--omit=dev|--production/);
    expect(compile).toBeGreaterThan(install);
  });

  it('installs production dependencies only in the final stage, and compiles nothing there', () => {
    const runs = all(runtime, 'RUN').map((i) => i.args);
    const installs = runs.filter((r) => /\bnpm (ci|install|i)\b/.test(r));
    expect(installs).toHaveLength(1);
    expect(installs[0]).toMatch(/\bnpm ci\b.*--omit=dev/);
    expect(runs.join('\n')).not.toMatch(/npm run build|\btsc\b/);
  });

  it('runs as a non-root user in the final stage', () => {
    const user = last(runtime, 'USER');
    expect(user, 'USER in the final stage').toBeDefined();
    const [name] = user!.args.split(':');
    expect(['root', '0']).not.toContain(name);
    // Nothing after USER may need root: it must come after every RUN.
    const runsAfter = runtime.instructions
      .slice(runtime.instructions.indexOf(user!))
      .filter((i) => i.keyword === 'RUN');
    expect(runsAfter).toEqual([]);
  });

  it('sets NODE_ENV=production, exposes 4000 and stops with SIGTERM', () => {
    expect(
      all(runtime, 'ENV')
        .map((i) => i.args)
        .join(' '),
    ).toMatch(/\bNODE_ENV=production\b/);
    expect(all(runtime, 'EXPOSE').map((i) => i.args)).toContain('4000');
    expect(last(runtime, 'STOPSIGNAL')?.args).toBe('SIGTERM');
  });

  it('starts the "all" role by default, in exec form under an init process', () => {
    expect(execForm(last(runtime, 'CMD')!.args)).toEqual(['node', 'dist/src/main.js', 'all']);
    const entrypoint = execForm(last(runtime, 'ENTRYPOINT')!.args);
    expect(entrypoint[0]).toMatch(/(^|\/)(tini|dumb-init)$/);
    // The init binary must be installed in the final stage.
    const binary = path.posix.basename(entrypoint[0]);
    expect(all(runtime, 'RUN').some((i) => i.args.includes(`install`) && i.args.includes(binary))).toBe(true);
  });

  it('has a HEALTHCHECK that runs scripts/health-check.js, copied into the image at that path', () => {
    const healthcheck = last(runtime, 'HEALTHCHECK');
    expect(healthcheck, 'HEALTHCHECK').toBeDefined();
    const command = healthcheck!.args.slice(healthcheck!.args.indexOf('CMD') + 'CMD'.length).trim();
    const argv = execForm(command);
    expect(argv[0]).toBe('node');
    const script = path.posix.resolve(workdirAt(runtime, healthcheck!), argv[1]);

    const copies = all(runtime, 'COPY').map((i) => ({ ...parseCopy(i.args), at: workdirAt(runtime, i) }));
    const shipped = copies.find(
      (c) =>
        c.from === undefined &&
        c.sources.includes('scripts/health-check.js') &&
        path.posix.resolve(c.at, c.destination) === script,
    );
    expect(shipped, `a COPY of scripts/health-check.js to ${script}`).toBeDefined();
    expect(existsSync(path.join(ROOT, 'scripts/health-check.js'))).toBe(true);
    // Timing options must leave the script (default 3 s) time to report.
    const timeout = /--timeout=(\d+)s/.exec(healthcheck!.args);
    expect(Number(timeout?.[1] ?? 30)).toBeGreaterThan(3);
  });

  it('copies only files that exist in the repository and are not excluded by .dockerignore', () => {
    for (const stage of stages) {
      for (const instruction of all(stage, 'COPY').concat(all(stage, 'ADD'))) {
        const copy = parseCopy(instruction.args);
        if (copy.from !== undefined) continue;
        for (const source of copy.sources) {
          const relative = path.posix.normalize(source);
          expect(existsSync(path.join(ROOT, relative)), `line ${instruction.line}: ${source} exists`).toBe(
            true,
          );
          if (relative !== '.')
            expect(ignored(relative), `line ${instruction.line}: ${source} is in the context`).toBe(false);
        }
      }
    }
  });

  it('copies from the build stage only what that stage has: its compiled output or its sources', () => {
    const outDir = tsconfig.compilerOptions.outDir.replace(/^\.\//, '');
    for (const instruction of all(runtime, 'COPY')) {
      const copy = parseCopy(instruction.args);
      if (copy.from === undefined) continue;
      const stage = stages.find((s) => s.name === copy.from);
      expect(stage, `line ${instruction.line}: stage ${copy.from}`).toBeDefined();
      const buildCopies = all(stage!, 'COPY').map((i) => ({
        ...parseCopy(i.args),
        at: workdirAt(stage!, i),
      }));
      for (const source of copy.sources) {
        const workdir = workdirAt(stage!, stage!.instructions.at(-1)!);
        const relative = path.posix.relative(workdir, path.posix.resolve(workdir, source));
        expect(relative.startsWith('..'), `line ${instruction.line}: ${source} is under ${workdir}`).toBe(
          false,
        );
        const compiled = relative === outDir || relative.startsWith(`${outDir}/`);
        const copiedIn = buildCopies.some(
          (c) =>
            c.from === undefined &&
            c.sources.some((s) => {
              const dest = path.posix.relative(workdir, path.posix.resolve(c.at, c.destination));
              const target = s === '.' ? dest : path.posix.join(dest, path.posix.basename(s));
              return target === '' || relative === target || relative.startsWith(`${target}/`);
            }),
        );
        expect(
          compiled || copiedIn,
          `line ${instruction.line}: ${source} is produced or copied in stage ${copy.from}`,
        ).toBe(true);
        if (!compiled) {
          expect(
            existsSync(path.join(ROOT, relative)),
            `line ${instruction.line}: ${relative} exists in the repo`,
          ).toBe(true);
          expect(ignored(relative), `line ${instruction.line}: ${relative} is in the context`).toBe(false);
        }
      }
    }
  });

  it('runs the entry point the build produces: dist/src/main.js from src/main.ts', () => {
    const [, entry] = execForm(last(runtime, 'CMD')!.args);
    const outDir = tsconfig.compilerOptions.outDir.replace(/^\.\//, '');
    const build = JSON.parse(read('tsconfig.build.json')) as { include: string[] };
    expect(entry.startsWith(`${outDir}/`)).toBe(true);
    const source = entry.slice(outDir.length + 1).replace(/\.js$/, '.ts');
    expect(build.include.some((dir) => source.startsWith(`${dir}/`))).toBe(true);
    expect(existsSync(path.join(ROOT, tsconfig.compilerOptions.rootDir, source)), `${source} exists`).toBe(
      true,
    );
  });
});

describe('.dockerignore', () => {
  it('keeps local state, build output, git, secrets and tests out of the build context', () => {
    for (const file of [
      'node_modules/x',
      'dist/src/main.js',
      'data/pg',
      '.git/HEAD',
      '.env',
      'test/app.test.ts',
    ]) {
      expect(ignored(file), file).toBe(true);
    }
  });

  it('keeps everything the build needs in the context', () => {
    for (const file of [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'src/main.ts',
    ]) {
      expect(ignored(file), file).toBe(false);
    }
    expect(ignored('migrations/Migration1.ts')).toBe(false);
    expect(ignored('schema/schema.graphql')).toBe(false);
    expect(ignored('scripts/health-check.js')).toBe(false);
  });
});
