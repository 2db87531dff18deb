import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The repository (or image) root, whether running from `src/` (tsx, Vitest) or from `dist/src/` (node). */
export const PROJECT_ROOT = path.resolve(
  __dirname,
  __dirname.includes(`${path.sep}dist${path.sep}`) ? '../../..' : '../..',
);

/** The browser pages' build output (scripts/build-web.mjs), the same from source and from dist/. */
export const WEB_BUILD_DIR = path.join(PROJECT_ROOT, 'dist', 'web');

/** True when running TypeScript sources directly (tsx, Vitest) rather than compiled output. */
export const RUNNING_FROM_SOURCE = __filename.endsWith('.ts');

export const SERVICE_VERSION: string = (
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;
