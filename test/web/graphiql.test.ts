import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyWithCli, bearer } from '../support/api-keys';
import { startTestApp, type TestApp } from '../support/app-harness';
import {
  checkAccessibility,
  foreignHosts,
  launchBrowser,
  type RecordedPage,
  screenshot,
  type TestBrowser,
} from '../support/browser';
import { startTestSchemaServer, type TestSchemaServer } from '../security/hostile/test-schema-server';

/**
 * GraphiQL as the server serves it (docs/web.md), in Debian's Chromium: the real app (PostgreSQL,
 * Redis, role `all` so a ranking run ends while the page listens), a key typed into the headers
 * editor, a query and a subscription through the page, under the page's CSP.
 */
const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** The text of the CodeMirror editor under `selector` (CodeMirror 5 keeps its instance on the element). */
function editorText(recorded: RecordedPage, selector: string): Promise<string> {
  return recorded.page.evaluate(
    `document.querySelector(${JSON.stringify(`${selector} .CodeMirror`)}).CodeMirror.getValue()`,
  ) as Promise<string>;
}

describe('GraphiQL in a browser', () => {
  let app: TestApp;
  let browser: TestBrowser;
  let key: string;
  let keyPrefix: string;
  /** Asks for ranking runs (an admin's mutation) from outside the page. */
  let adminKey: string;
  let recorded: RecordedPage;

  beforeAll(async () => {
    app = await startTestApp({ role: 'all', env: { GRAPHQL_INTROSPECTION: 'true' } });
    ({ key, prefix: keyPrefix } = await createKeyWithCli(app.config, 'operator', 'graphiql test'));
    ({ key: adminKey } = await createKeyWithCli(app.config, 'admin', 'ranking runs'));
    browser = await launchBrowser();
    recorded = await browser.openPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('loads from the server alone: every request to its own host, no console error, no CSP violation', async () => {
    const response = await recorded.page.goto(`${app.url}/graphql`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self';/);
    await recorded.page.locator('.graphiql-container').waitFor({ timeout: 30_000 });
    // The schema arrives by introspection: the documentation button works once it has.
    await recorded.page.locator('.graphiql-execute-button').waitFor();
    expect(await recorded.page.title()).toContain('GraphiQL');
    expect(foreignHosts(recorded, new URL(app.url).host)).toEqual([]);
    expect(recorded.requests.some((url) => url.includes('/assets/graphiql/main-'))).toBe(true);
    expect(recorded.consoleErrors).toEqual([]);
    expect(recorded.pageErrors).toEqual([]);
    expect(recorded.cspViolations).toEqual([]);
  }, 60_000);

  it('runs a query with the key typed into the headers editor and shows the answer', async () => {
    const { page } = recorded;
    const headers = page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror');
    await headers.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    // The JSON editor closes brackets and quotes itself; typing the closing ones steps over them.
    await page.keyboard.type(`{"Authorization": "Bearer ${key}"}`);
    expect(
      JSON.parse(await editorText(recorded, '.graphiql-editor-tool .graphiql-editor:not(.hidden)')),
    ).toEqual({
      Authorization: `Bearer ${key}`,
    });

    // The default query asks who the caller is: only a valid key makes it `authenticated`.
    expect(await editorText(recorded, '.graphiql-query-editor')).toContain('viewer');
    await page.locator('.graphiql-execute-button').click();
    await expect
      .poll(async () => editorText(recorded, '.result-window'), { timeout: 20_000 })
      .toContain('"authenticated": true');
    const result = JSON.parse(await editorText(recorded, '.result-window')) as {
      data: { viewer: { authenticated: boolean; keyPrefix: string; role: string } };
    };
    expect(result.data.viewer).toEqual({ authenticated: true, keyPrefix, role: 'OPERATOR' });
    expect(await page.locator('.result-window').innerText()).toContain(keyPrefix);
  }, 60_000);

  it('runs a subscription over graphql-ws on /graphql and shows the event', async () => {
    const { page } = recorded;
    await page.evaluate(
      `document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(${JSON.stringify(
        'subscription Runs {\n  rankingsUpdated {\n    id\n    status\n    trigger\n  }\n}\n',
      )})`,
    );
    // GraphiQL reads the operation (and its name, shown on the tab) from the editor after a pause.
    await page.locator('.graphiql-tab-button[title="Runs"]').waitFor({ timeout: 10_000 });
    await page.locator('.graphiql-execute-button').click();
    // The subscription is live once the socket carried it; runs are asked for until one's end
    // reaches the page (a run asked for before the server subscribed would be missed).
    await expect
      .poll(async () => recorded.requests.filter((url) => url.startsWith('ws://')).length, {
        timeout: 20_000,
      })
      .toBeGreaterThan(0);
    let shown = '';
    for (let attempt = 0; attempt < 15 && !shown.includes('"rankingsUpdated"'); attempt++) {
      const asked = await app.graphql('mutation { recomputeRankings { run { id } } }', {}, bearer(adminKey));
      expect(asked.body.errors).toBeUndefined();
      await page.waitForTimeout(2_000);
      shown = await editorText(recorded, '.result-window');
    }
    expect(shown).toContain('"rankingsUpdated"');
    const event = JSON.parse(shown) as { data: { rankingsUpdated: { status: string; trigger: string } } };
    expect(event.data.rankingsUpdated.trigger).toBe('MANUAL');
    expect(['COMPLETED', 'SKIPPED', 'FAILED']).toContain(event.data.rankingsUpdated.status);
    expect(
      recorded.requests.filter((url) => url.startsWith('ws')).every((url) => url.endsWith('/graphql')),
    ).toBe(true);
  }, 90_000);

  it('stays within the server and its CSP, reads well at both widths, and has no serious accessibility violation', async () => {
    expect(foreignHosts(recorded, new URL(app.url).host)).toEqual([]);
    expect(recorded.consoleErrors).toEqual([]);
    expect(recorded.pageErrors).toEqual([]);
    expect(recorded.cspViolations).toEqual([]);
    const files = await screenshot(recorded.page, 'graphiql-subscription');
    expect(files).toHaveLength(2);
    expect(await checkAccessibility(recorded.page)).toEqual([]);
    // GraphiQL's settings dialog adds a <style> element (Radix): it carries the page's nonce.
    await recorded.page.locator('button[aria-label="Open settings dialog"]').click();
    await recorded.page.getByRole('dialog').waitFor();
    const styles = (await recorded.page.evaluate(
      `Array.from(document.querySelectorAll('style'), (element) => element.nonce !== '')`,
    )) as boolean[];
    expect(styles.length).toBeGreaterThan(0);
    expect(styles.every(Boolean)).toBe(true);
    await screenshot(recorded.page, 'graphiql-settings-dialog');
    expect(await checkAccessibility(recorded.page)).toEqual([]);
    await recorded.page.keyboard.press('Escape');
    expect(recorded.cspViolations).toEqual([]);
    expect(recorded.consoleErrors).toEqual([]);
  }, 90_000);

  it('serves assets as immutable files and the page with its CSP; JSON requests to /graphql are unchanged', async () => {
    const page = await fetch(`${app.url}/graphql`, { headers: { accept: HTML } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('cache-control')).toBe('no-store');
    // A document gets helmet's document headers besides the API's (security-headers.ts).
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('x-dns-prefetch-control')).toBe('off');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const csp = page.headers.get('content-security-policy') ?? '';
    const html = await page.text();
    const nonce = /nonce="([^"]+)"/.exec(html)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toBe(
      `default-src 'none'; script-src 'self'; style-src 'self' 'nonce-${nonce}'; img-src 'self' data:; ` +
        "font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; " +
        "frame-ancestors 'none'; object-src 'none'",
    );
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    const again = await (await fetch(`${app.url}/graphql`, { headers: { accept: HTML } })).text();
    expect(/nonce="([^"]+)"/.exec(again)?.[1]).not.toBe(nonce);

    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      const response = await fetch(`${app.url}${asset}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('content-type')).toMatch(/^(text\/javascript|text\/css)/);
    }
    expect((await fetch(`${app.url}/assets/graphiql/missing.js`)).status).toBe(404);
    expect((await fetch(`${app.url}/assets/../package.json`)).status).toBe(404);

    // A JSON GET and POST are Apollo's, as before.
    const get = await fetch(
      `${app.url}/graphql?query=${encodeURIComponent('{ viewer { authenticated } }')}`,
      {
        headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
      },
    );
    expect(await get.json()).toEqual({ data: { viewer: { authenticated: false } } });
    const post = await app.graphql('{ viewer { authenticated } }');
    expect(post.body).toEqual({ data: { viewer: { authenticated: false } } });
  }, 60_000);
});

describe('GraphiQL and the console when switched off', () => {
  let locked: TestSchemaServer;
  beforeAll(async () => {
    locked = await startTestSchemaServer({ GRAPHQL_INTROSPECTION: 'false', CONSOLE_ENABLED: 'false' });
  });
  afterAll(async () => {
    await locked?.close();
  });

  it('answers a browser 404 at /graphql without introspection, and JSON requests as before', async () => {
    const page = await fetch(`${locked.url}/graphql`, { headers: { accept: HTML } });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type') ?? '').not.toContain('text/html');
    const post = await fetch(`${locked.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: HTML },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(post.status).toBe(200);
    expect(await post.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('answers 404 at /console with CONSOLE_ENABLED=false', async () => {
    expect((await fetch(`${locked.url}/console`, { headers: { accept: HTML } })).status).toBe(404);
  });
});
