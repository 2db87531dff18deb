import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * Vitest globalSetup: builds the browser pages (scripts/build-web.mjs) when dist/web is missing or
 * older than web/ or the lockfile, so `npm test` serves the same pages `npm run build` produces.
 */
export default function buildWebPages(): void {
  const root = path.resolve(__dirname, '../..');
  execFileSync(process.execPath, [path.join(root, 'scripts/build-web.mjs'), '--if-stale'], {
    cwd: root,
    stdio: 'inherit',
  });
}
