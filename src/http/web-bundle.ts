import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One built file under `/assets/`, held in memory with its gzip copy. */
export interface WebAsset {
  readonly body: Buffer;
  readonly gzip: Buffer | undefined;
  readonly contentType: string;
}

/** What scripts/build-web.mjs wrote to `dist/web/`: each page's HTML template and every asset. */
export interface WebBundle {
  /** Page name -> its HTML with `{{nonce}}` placeholders. */
  readonly pages: ReadonlyMap<string, string>;
  /** `<page>/<file>` (the URL after `/assets/`) -> the file. */
  readonly assets: ReadonlyMap<string, WebAsset>;
}

interface Manifest {
  readonly pages: Record<string, { html: string; assets: { path: string }[] }>;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

/**
 * Reads the build output into memory (a few MB; the files never change while the process runs,
 * their names carry their content hash). Undefined when `dir` holds no build (`npm run build:web`
 * was not run): the server still starts and answers the pages 503.
 */
export function loadWebBundle(dir: string): WebBundle | undefined {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) return undefined;
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
  const pages = new Map<string, string>();
  const assets = new Map<string, WebAsset>();
  for (const [name, page] of Object.entries(manifest.pages)) {
    pages.set(name, readFileSync(path.join(dir, page.html), 'utf8'));
    for (const asset of page.assets) {
      const file = path.join(dir, asset.path);
      const contentType = CONTENT_TYPES[path.extname(asset.path)] ?? 'application/octet-stream';
      const gzip = existsSync(`${file}.gz`) ? readFileSync(`${file}.gz`) : undefined;
      assets.set(asset.path, { body: readFileSync(file), gzip, contentType });
    }
  }
  return { pages, assets };
}
