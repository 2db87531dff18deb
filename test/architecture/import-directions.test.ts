import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Dependencies point one way (docs/architecture.md):
//   main/bootstrap -> app -> (http, modules) -> graphql -> core -> platform -> config
// and the domain (services, entities, platform adapters, core, config) knows no transport.

const ROOT = path.resolve(__dirname, '../..');
const SRC = path.join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Top-level area of a file under src/: `core`, `graphql`, `modules`, ... or the file (`app.ts`). */
const areaOf = (file: string) => path.relative(SRC, file).split(path.sep)[0]!.replace(/\.ts$/, '');

/** Areas each area must not import from. */
const FORBIDDEN_AREAS: Record<string, readonly string[]> = {
  config: ['platform', 'core', 'graphql', 'http', 'modules', 'app', 'bootstrap', 'main', 'cli'],
  platform: ['core', 'graphql', 'http', 'modules', 'app', 'bootstrap', 'main', 'cli'],
  core: ['graphql', 'http', 'modules', 'app', 'bootstrap', 'main', 'cli'],
  graphql: ['http', 'modules', 'app', 'bootstrap', 'main', 'cli'],
  http: ['modules', 'app', 'bootstrap', 'main', 'cli'],
  modules: ['http', 'app', 'bootstrap', 'main', 'cli'],
};

const TRANSPORT_PACKAGES = /^(graphql|type-graphql|graphql-ws|@apollo\/.*|fastify)(\/.*)?$/;
/** Transport-free code: it throws DomainError and returns plain data; the edges map both. */
const isTransportFree = (relative: string) =>
  /^(core|config|platform)\//.test(relative) || /^modules\/.*\.(service|entity)\.ts$/.test(relative);

export function violations(files: readonly string[], read: (file: string) => string): string[] {
  return files.flatMap((file) => {
    const relative = path.relative(SRC, file).split(path.sep).join('/');
    const area = areaOf(file);
    const { importedFiles } = ts.preProcessFile(read(file), true, true);
    return importedFiles.flatMap(({ fileName: specifier }) => {
      if (specifier.startsWith('.')) {
        const target = path.resolve(path.dirname(file), specifier);
        if (path.relative(SRC, target).startsWith('..')) return [];
        const targetArea = areaOf(target);
        const forbidden =
          FORBIDDEN_AREAS[area]?.includes(targetArea) ||
          (isTransportFree(relative) && (targetArea === 'graphql' || targetArea === 'http'));
        return forbidden ? [`${relative} -> ${targetArea}: ${specifier}`] : [];
      }
      return isTransportFree(relative) && TRANSPORT_PACKAGES.test(specifier)
        ? [`${relative} -> transport package ${specifier}`]
        : [];
    });
  });
}

describe('import directions', () => {
  it('no file under src/ imports against the layer order, and the domain imports no transport', () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(100);
    expect(violations(files, (file) => readFileSync(file, 'utf8'))).toEqual([]);
  });

  it('catches each kind of wrong import (the check above can fail)', () => {
    const sources: Record<string, string> = {
      [path.join(SRC, 'graphql/context.ts')]: "import type { Viewer } from '../modules/auth/viewer';",
      [path.join(SRC, 'http/health.routes.ts')]: "import { hasRole } from '../modules/auth/auth-checker';",
      [path.join(SRC, 'config/load-config.ts')]:
        "import { SecretError } from '../platform/secrets/secret-store';",
      [path.join(SRC, 'modules/users/login.ts')]: "import { DomainError } from '../../core/errors';",
      [path.join(SRC, 'modules/activity/activity.service.ts')]:
        "import { DomainError } from '../../graphql/errors';",
      [path.join(SRC, 'modules/users/user-lookup.service.ts')]: "import { GraphQLError } from 'graphql';",
      [path.join(SRC, 'platform/pubsub/pubsub.ts')]: "import type { PubSub } from 'type-graphql';",
      [path.join(SRC, 'modules/users/user.resolver.ts')]: "import { Query } from 'type-graphql';",
    };
    expect(violations(Object.keys(sources), (file) => sources[file]!)).toEqual([
      'graphql/context.ts -> modules: ../modules/auth/viewer',
      'http/health.routes.ts -> modules: ../modules/auth/auth-checker',
      'config/load-config.ts -> platform: ../platform/secrets/secret-store',
      'modules/activity/activity.service.ts -> graphql: ../../graphql/errors',
      'modules/users/user-lookup.service.ts -> transport package graphql',
      'platform/pubsub/pubsub.ts -> transport package type-graphql',
    ]);
  });
});
