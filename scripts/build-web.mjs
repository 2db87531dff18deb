// Bundles the browser pages (docs/web.md): every folder `web/<page>/` holding `main.ts` or `main.tsx`
// and an `index.html` template becomes `dist/web/<page>/`: content-hashed bundles (`main-<hash>.js`,
// `main-<hash>.css`, fonts and images `name-<hash>.ext`), a gzip copy of each, the page's HTML with its
// <script> and <link> tags put before `</head>`, and `dist/web/manifest.json`, which the server reads.
//
//   node scripts/build-web.mjs             # build every page (npm run build:web)
//   node scripts/build-web.mjs --if-stale  # only when dist/web is missing or older than web/ or the lockfile
//
// The server answers `/assets/<page>/<file>` from these files (immutable: the names change with the
// content) and renders each page's HTML per response with a fresh CSP nonce (`{{nonce}}` in the template).
import { build } from 'esbuild';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const ROOT = path.resolve(import.meta.dirname, '..');
const SOURCE = path.join(ROOT, 'web');
const OUT = path.join(ROOT, 'dist', 'web');
const MANIFEST = path.join(OUT, 'manifest.json');
/** URL prefix of every asset; the server registers the same (src/http/web-pages.ts). */
const ASSET_PREFIX = '/assets';

/** Every `web/<page>/` with an entry point (`main.ts` or `main.tsx`) and an `index.html`. */
function findPages() {
  return readdirSync(SOURCE, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const dir = path.join(SOURCE, entry.name);
      const main = ['main.tsx', 'main.ts']
        .map((file) => path.join(dir, file))
        .find((file) => existsSync(file));
      if (!main) return [];
      const template = path.join(dir, 'index.html');
      if (!existsSync(template))
        throw new Error(`web/${entry.name}: ${path.basename(main)} has no index.html beside it`);
      if (!/^[a-z][a-z0-9-]*$/.test(entry.name))
        throw new Error(`web/${entry.name}: page names are lower-case words`);
      return [{ name: entry.name, main, template }];
    });
}

/** The newest modification time of the files under `dir`. */
function newestUnder(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function isStale() {
  if (!existsSync(MANIFEST)) return true;
  const built = statSync(MANIFEST).mtimeMs;
  const inputs = [newestUnder(SOURCE), statSync(path.join(ROOT, 'package-lock.json')).mtimeMs];
  inputs.push(statSync(path.join(ROOT, 'scripts', 'build-web.mjs')).mtimeMs);
  return inputs.some((time) => time > built);
}

async function buildPage(page, outDir) {
  const pageOut = path.join(outDir, page.name);
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { main: page.main },
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome120', 'firefox120', 'safari16'],
    outdir: pageOut,
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    publicPath: `${ASSET_PREFIX}/${page.name}/`,
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    // Fonts and images referenced from CSS become hashed files served from /assets (no data: URLs
    // for large files, no request to another host).
    loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.svg': 'file', '.png': 'file' },
    // Licences in one file beside the bundles rather than in them.
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  const files = Object.keys(result.metafile.outputs).map((file) =>
    path.relative(pageOut, path.resolve(ROOT, file)),
  );
  const scripts = files.filter((file) => file.endsWith('.js'));
  const styles = files.filter((file) => file.endsWith('.css'));
  const url = (file) => `${ASSET_PREFIX}/${page.name}/${file}`;
  const tags = [
    ...styles.map((file) => `<link rel="stylesheet" href="${url(file)}">`),
    ...scripts.map((file) => `<script defer src="${url(file)}"></script>`),
  ].join('\n    ');
  const template = readFileSync(page.template, 'utf8');
  if (!template.includes('</head>')) throw new Error(`web/${page.name}/index.html has no </head>`);
  if (/<script(?![^>]*\ssrc=)[^>]*>/i.test(template)) {
    throw new Error(`web/${page.name}/index.html: inline scripts are refused by the pages' CSP`);
  }
  const html = template.replace(/\n\s*<\/head>/, `\n    ${tags}\n  </head>`);
  writeFileSync(path.join(pageOut, 'index.html'), html);

  const assets = files.map((file) => {
    const content = readFileSync(path.join(pageOut, file));
    const gzipped = gzipSync(content, { level: 9 });
    writeFileSync(path.join(pageOut, `${file}.gz`), gzipped);
    return { path: `${page.name}/${file}`, bytes: content.length, gzipBytes: gzipped.length };
  });
  return { html: `${page.name}/index.html`, assets };
}

async function main() {
  if (process.argv.includes('--if-stale') && !isStale()) return;
  const pages = findPages();
  // Built beside the output and swapped in, so a running server or a test never sees half a build.
  const next = `${OUT}.next-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  mkdirSync(next, { recursive: true });
  const manifest = { assetPrefix: ASSET_PREFIX, pages: {} };
  for (const page of pages) manifest.pages[page.name] = await buildPage(page, next);
  writeFileSync(path.join(next, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const previous = `${OUT}.old-${process.pid}`;
  if (existsSync(OUT)) renameSync(OUT, previous);
  renameSync(next, OUT);
  rmSync(previous, { recursive: true, force: true });

  for (const [name, page] of Object.entries(manifest.pages)) {
    const sum = (key) => page.assets.reduce((total, asset) => total + asset[key], 0);
    const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
    console.log(
      `web/${name}: ${kb(sum('bytes'))} (${kb(sum('gzipBytes'))} gzip) in ${page.assets.length} files`,
    );
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
