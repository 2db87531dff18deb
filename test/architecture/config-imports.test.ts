import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Configuration is pure data at the bottom of the dependency graph: files under src/config may import
// each other, npm packages the service depends on, and Node built-ins, nothing else from the project.

const ROOT = path.resolve(__dirname, '../..');
const CONFIG_DIR = path.join(ROOT, 'src/config');
const PACKAGES = new Set(
  Object.keys(
    (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as PackageJson).dependencies,
  ),
);

interface PackageJson {
  dependencies: Record<string, string>;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.[cm]?tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The specifiers of `file` (static, type-only, re-export, dynamic and require) that leave src/config. */
function outsideImports(file: string, source: string): string[] {
  const { importedFiles } = ts.preProcessFile(source, true, true);
  return importedFiles
    .map((imported) => imported.fileName)
    .filter((specifier) => {
      if (specifier.startsWith('.') || specifier.startsWith('/')) {
        const target = path.resolve(path.dirname(file), specifier);
        return (
          path.relative(CONFIG_DIR, target).startsWith('..') ||
          path.isAbsolute(path.relative(CONFIG_DIR, target))
        );
      }
      if (specifier.startsWith('node:') || builtinModules.includes(specifier)) return false;
      return !PACKAGES.has(packageName(specifier));
    });
}

describe('src/config imports nothing else from the project', () => {
  it('every file under src/config imports only src/config, npm dependencies and Node built-ins', () => {
    const files = sourceFiles(CONFIG_DIR);
    expect(files.length).toBeGreaterThan(5);
    const offending = files.flatMap((file) =>
      outsideImports(file, readFileSync(file, 'utf8')).map(
        (specifier) => `${path.relative(ROOT, file)} -> ${specifier}`,
      ),
    );
    expect(offending).toEqual([]);
  });

  it('catches every way of reaching outside (the check above can fail)', () => {
    const file = path.join(CONFIG_DIR, 'example.ts');
    const source = [
      "import { a } from '../platform/secrets/secret-store';",
      "import type { B } from '../../src/core/errors';",
      "export { c } from '../app';",
      "const d = await import('../modules/x');",
      "const e = require('../main');",
      "import f from 'src/config/config';",
      "import { g } from './load-config';",
      "import { z } from 'zod';",
      "import { readFileSync } from 'node:fs';",
      "import path from 'path';",
    ].join('\n');
    expect(outsideImports(file, source)).toEqual([
      '../platform/secrets/secret-store',
      '../../src/core/errors',
      '../app',
      '../modules/x',
      '../main',
      'src/config/config',
    ]);
  });
});
