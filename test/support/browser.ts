import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/**
 * Browser tests (docs/web.md): Debian's Chromium (`apt-get install chromium`; scripts/verify.sh
 * installs it when missing) driven by playwright-core, which never downloads a browser. Each
 * `openPage` records what the page did, so tests can assert that every request went to the
 * server itself, and that nothing was logged as an error or refused by the CSP.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Laptop and phone widths; every screenshot is taken at both. */
export const VIEWPORTS = {
  laptop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

export const SCREENSHOT_DIR = path.resolve(__dirname, '../../test-artifacts/screenshots');

export interface TestBrowser {
  readonly browser: Browser;
  /** A page in a fresh context (no cookies or storage shared with other pages), recording everything. */
  openPage(options?: { viewport?: { width: number; height: number } }): Promise<RecordedPage>;
  close(): Promise<void>;
}

export interface RecordedPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Every request the page made (documents, scripts, styles, fetches, WebSocket upgrades). */
  readonly requests: string[];
  /** Console messages of type error (which include network failures the page logged). */
  readonly consoleErrors: string[];
  /** Uncaught exceptions in the page. */
  readonly pageErrors: string[];
  /** CSP violations: `securitypolicyviolation` events and console reports naming the policy. */
  readonly cspViolations: string[];
}

/**
 * Launches headless Chromium with no background traffic and no sandbox (root in CI). Playwright
 * gives every launch a fresh temporary profile (`--user-data-dir` of its own, removed on close;
 * it refuses the flag from the caller).
 */
export async function launchBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: 60_000,
  });
  return {
    browser,
    openPage: (options) => openRecordedPage(browser, options?.viewport ?? VIEWPORTS.laptop),
    async close() {
      await browser.close();
    },
  };
}

/** Reported to the test through a binding, from a listener added before any page script runs. */
const CSP_LISTENER = `
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__reportCspViolation(
      event.violatedDirective + ' blocked ' + (event.blockedURI || '(inline)') +
      (event.sourceFile ? ' at ' + event.sourceFile + ':' + event.lineNumber : '') +
      (event.sample ? ' sample: ' + event.sample : ''),
    );
  });
`;

async function openRecordedPage(
  browser: Browser,
  viewport: { width: number; height: number },
): Promise<RecordedPage> {
  const context = await browser.newContext({ viewport });
  const recorded: RecordedPage = {
    page: undefined as unknown as Page,
    context,
    requests: [],
    consoleErrors: [],
    pageErrors: [],
    cspViolations: [],
  };
  await context.exposeBinding('__reportCspViolation', (_source, text: string) => {
    recorded.cspViolations.push(text);
  });
  await context.addInitScript({ content: CSP_LISTENER });
  const page = await context.newPage();
  Object.assign(recorded, { page });
  context.on('request', (request) => recorded.requests.push(request.url()));
  page.on('websocket', (socket) => recorded.requests.push(socket.url()));
  page.on('console', (message) => {
    const text = message.text();
    if (/content security policy/i.test(text)) recorded.cspViolations.push(text);
    if (message.type() === 'error') recorded.consoleErrors.push(text);
  });
  page.on('pageerror', (error) => recorded.pageErrors.push(error.stack ?? error.message));
  return recorded;
}

/** The hosts (`host:port`) the page's requests went to, other than `allowedHost`. */
export function foreignHosts(recorded: RecordedPage, allowedHost: string): string[] {
  return recorded.requests
    .filter((url) => !url.startsWith('data:') && !url.startsWith('blob:'))
    .map((url) => new URL(url).host)
    .filter((host) => host !== allowedHost);
}

/**
 * Writes `<name>-laptop.png` and `<name>-phone.png` (full page) to test-artifacts/screenshots/,
 * resizing the page's viewport for each and restoring it after. Returns the files written.
 */
export async function screenshot(page: Page, name: string): Promise<string[]> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const original = page.viewportSize();
  const files: string[] = [];
  for (const [label, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    // Let layout settle after the resize (two animation frames).
    await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
    const file = path.join(SCREENSHOT_DIR, `${name}-${label}.png`);
    await page.screenshot({ path: file, fullPage: true });
    files.push(file);
  }
  if (original) await page.setViewportSize(original);
  return files;
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly string[];
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core (WCAG 2.x A and AA rules plus best practices) in the page and returns the serious
 * and critical violations. axe is injected with `page.evaluate`, which the page's CSP does not
 * govern (the CSP stays on: no bypassCSP).
 */
export async function checkAccessibility(page: Page): Promise<AxeViolation[]> {
  // A string is evaluated as a script by the driver (not by the page, so no 'unsafe-eval' needed).
  await page.evaluate(AXE_SOURCE);
  // Written as a string: this file is compiled without the DOM library.
  const results = (await page.evaluate(`axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  })`)) as AxeResults;
  const violations: AxeViolation[] = results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact ?? null,
    help: violation.help,
    nodes: violation.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary ?? ''}`),
  }));
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

interface AxeResults {
  violations: {
    id: string;
    impact?: string | null;
    help: string;
    nodes: { target: string[]; failureSummary?: string }[];
  }[];
}
