/**
 * The console's first paint (docs/web.md, Console): `npx tsx bench/console-paint.ts [runs]`.
 * Starts the real app (a database of its own on the shared PostgreSQL, a key prefix on the shared
 * Redis), builds the pages when stale, and opens `/console` in Debian's Chromium `runs` times (10 by
 * default), each in a fresh context (cold cache, as a new tab): first paint and first contentful
 * paint of the sign-in page from the Performance API, and, signed in (the key already in the tab's
 * sessionStorage, as on a reload), the time until every section was filled from the API
 * (`performance.mark('console-ready')`). Prints the median and the worst; the target is first
 * paint under a second on this machine.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { createKeyWithCli } from '../test/support/api-keys';
import { startTestApp } from '../test/support/app-harness';
import { launchBrowser } from '../test/support/browser';

const RUNS = Number(process.argv[2] ?? 10);

interface Figures {
  firstPaint: number;
  firstContentfulPaint: number;
  signedInReady: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  execFileSync('node', [path.resolve(__dirname, '../scripts/build-web.mjs'), '--if-stale'], {
    stdio: 'inherit',
  });
  const t = await startTestApp({ env: { RATE_LIMIT_ENABLED: 'false', HEALTH_WATCH_INTERVAL_MS: '1000' } });
  const browser = await launchBrowser();
  const { key } = await createKeyWithCli(t.config, 'operator');
  const rows: Figures[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const recorded = await browser.openPage();
      const { page } = recorded;
      await page.goto(`${t.url}/console`, { waitUntil: 'load' });
      // In the page (this tsconfig has no DOM types, hence strings).
      const paints = (await page.evaluate(
        `Object.fromEntries(performance.getEntriesByType('paint').map((e) => [e.name, e.startTime]))`,
      )) as Record<string, number>;
      // Signed in: the key is in this tab's sessionStorage, so a reload opens the console directly.
      await page.evaluate(`sessionStorage.setItem('github-insights-console-key', ${JSON.stringify(key)})`);
      await page.reload({ waitUntil: 'load' });
      // A function, not a string: Playwright evaluates string predicates with eval, which the CSP refuses.
      await page.waitForFunction(() => performance.getEntriesByName('console-ready').length > 0, undefined, {
        timeout: 30_000,
      });
      const ready = await page.evaluate(() => performance.getEntriesByName('console-ready')[0]!.startTime);
      rows.push({
        firstPaint: paints['first-paint'] ?? Number.NaN,
        firstContentfulPaint: paints['first-contentful-paint'] ?? Number.NaN,
        signedInReady: ready,
      });
      await recorded.context.close();
    }
  } finally {
    await browser.close();
    await t.close();
  }
  const row = (name: string, values: number[]) =>
    console.log(
      `${name.padEnd(40)} median ${median(values).toFixed(0)} ms, worst ${Math.max(...values).toFixed(0)} ms`,
    );
  console.log(`console at /console, ${RUNS} cold loads (fresh browser context each)`);
  row(
    'first paint (sign-in page)',
    rows.map((r) => r.firstPaint),
  );
  row(
    'first contentful paint (sign-in page)',
    rows.map((r) => r.firstContentfulPaint),
  );
  row(
    'signed in: every section filled',
    rows.map((r) => r.signedInReady),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
