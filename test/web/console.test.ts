import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKeyWithCli } from '../support/api-keys';
import { startTestApp, type TestApp } from '../support/app-harness';
import {
  checkAccessibility,
  foreignHosts,
  launchBrowser,
  type RecordedPage,
  screenshot,
  type TestBrowser,
  VIEWPORTS,
} from '../support/browser';
import { type FakeGitHub, STANDARD_LOGINS, startFakeGitHub } from '../support/fake-github';
import { startThrowawayRedis, type ThrowawayRedis } from '../support/throwaway-redis';

/**
 * Issue 16, the operator console in Debian's Chromium (docs/web.md, Console): a reader key is
 * refused and an operator key accepted; a component going down and coming back (the app's own
 * throw-away Redis stopped and started) and a harvest's progress show up live; no console errors,
 * no CSP violations, no request to another host; screenshots at both widths; axe finds nothing
 * serious.
 */
const LOGIN = STANDARD_LOGINS.prolific;

/** In the page (the test's tsconfig has no DOM types): records each status and figure of LOGIN's card. */
const RECORD_HARVEST_CARD = `{
  const seen = (window.seen = []);
  new MutationObserver(() => {
    const card = document.querySelector('#harvests-list [data-login="LOGIN"]');
    if (!card) return;
    const text = card.querySelector('.status').textContent.trim() + ' ' + card.querySelector('.progress-figure').textContent;
    if (seen.at(-1) !== text) seen.push(text);
  }).observe(document.getElementById('harvests-list'), { subtree: true, childList: true, characterData: true });
}`;

let fake: FakeGitHub;
let redis: ThrowawayRedis;
let t: TestApp;
let browser: TestBrowser;
let keys: { reader: string; operator: string };
/** The signed-in console, shared by the tests below in order. */
let signedIn: RecordedPage;

beforeAll(async () => {
  // Each GitHub request takes a while, so the harvest's stages are seen one after the other.
  fake = await startFakeGitHub({ latencyMs: 150 });
  redis = await startThrowawayRedis();
  t = await startTestApp({
    role: 'all',
    env: {
      REDIS_HOST: redis.host,
      REDIS_PORT: String(redis.port),
      GITHUB_API_URL: fake.url,
      RATE_LIMIT_ENABLED: 'false',
      REFRESH_USER_MIN_INTERVAL_MS: '0',
      HEALTH_WATCH_INTERVAL_MS: '300',
      HEALTH_COMPONENT_TIMEOUT_MS: '500',
    },
  });
  keys = {
    reader: (await createKeyWithCli(t.config, 'reader')).key,
    operator: (await createKeyWithCli(t.config, 'operator')).key,
  };
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await redis?.dispose();
  await fake?.close();
});

const host = () => new URL(t.url).host;

async function signIn(recorded: RecordedPage, key: string): Promise<void> {
  const { page } = recorded;
  await page.goto(`${t.url}/console`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Nothing went wrong in the page: no errors, no CSP refusals, no request to another host. */
function expectClean(recorded: RecordedPage): void {
  expect(recorded.consoleErrors).toEqual([]);
  expect(recorded.pageErrors).toEqual([]);
  expect(recorded.cspViolations).toEqual([]);
  expect(foreignHosts(recorded, host())).toEqual([]);
}

describe('signing in', () => {
  it('refuses a reader key with a clear message, and a wrong key likewise', async () => {
    const recorded = await browser.openPage();
    try {
      await signIn(recorded, keys.reader);
      const error = recorded.page.locator('#sign-in-error');
      await expect.poll(() => error.textContent(), { timeout: 20_000 }).toContain('operator or admin key');
      expect(await recorded.page.locator('#console').isHidden()).toBe(true);
      expect(await recorded.page.evaluate('sessionStorage.length')).toBe(0);

      await recorded.page.getByLabel('API key').fill('gia_not_a_real_key_0000000000');
      await recorded.page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => error.textContent(), { timeout: 20_000 }).toContain('not accepted');
      await screenshot(recorded.page, 'console-refused');
      // The wrong key's answer is HTTP 401, which Chromium itself notes in the console; nothing else.
      expect(recorded.consoleErrors).toEqual([
        'Failed to load resource: the server responded with a status of 401 (Unauthorized)',
      ]);
      expectClean({ ...recorded, consoleErrors: [] });
    } finally {
      await recorded.context.close();
    }
  }, 60_000);

  it('accepts an operator key and shows every section, keeping the key for the tab only', async () => {
    signedIn = await browser.openPage();
    await signIn(signedIn, keys.operator);
    const { page } = signedIn;
    await page.locator('#console').waitFor({ state: 'visible', timeout: 20_000 });
    await page.locator('#health-components [data-component="database"]').waitFor({ timeout: 20_000 });
    await expect.poll(() => page.locator('#live-status').textContent(), { timeout: 20_000 }).toBe('Live');
    for (const heading of ['Health', 'Harvests', 'Queues', 'GitHub token budgets', 'Ranking runs'])
      expect(await page.getByRole('heading', { name: heading, exact: true }).count()).toBe(1);
    expect(await page.locator('#queues-table table').count()).toBe(1);
    expect(await page.locator('#tokens-table').textContent()).not.toContain(
      'ghp_testtoken000000000000000000000000000',
    );
    expect(await page.evaluate('Object.keys(sessionStorage)')).toHaveLength(1);
    expect(await page.evaluate('localStorage.length')).toBe(0);
    expectClean(signedIn);
  }, 60_000);
});

describe('live', () => {
  it("shows a harvest's progress as it happens", async () => {
    const { page } = signedIn;
    // Every figure the harvest's card shows, recorded in the page as it changes.
    await page.evaluate(RECORD_HARVEST_CARD.replace('LOGIN', LOGIN));
    const started = await t.graphql(
      `mutation Refresh($login: String!) { refreshUser(input: { login: $login }) { harvest { id status } } }`,
      { login: LOGIN },
      bearer(keys.operator),
    );
    expect(started.body.errors).toBeUndefined();
    const card = page.locator(`#harvests-list [data-login="${LOGIN}"]`);
    await card.waitFor({ timeout: 20_000 });
    await expect
      .poll(() => card.locator('.status').textContent(), { timeout: 60_000 })
      .toContain('COMPLETED');
    const seen = (await page.evaluate('window.seen')) as string[];
    // Between queued and completed, the card showed the harvest running part-way.
    expect(seen.some((s) => /RUNNING (\d+) %/.test(s) && Number(/(\d+) %/.exec(s)![1]) < 100)).toBe(true);
    expect(seen.at(-1)).toContain('COMPLETED');
    expect(await card.locator('.progress-figure').textContent()).toBe('100 %');
    expectClean(signedIn);
  }, 90_000);

  it("keeps another api instance's health apart from this one's", async () => {
    const { page } = signedIn;
    const cache = page.locator('#health-components [data-component="cache"]');
    await expect.poll(() => cache.getAttribute('data-status'), { timeout: 20_000 }).toBe('OK');
    // What another api instance's health watch publishes when its cache goes down (statuses as
    // the health checks name them, src/core/topics.ts).
    const publisher = new Redis({ host: redis.host, port: redis.port });
    try {
      await publisher.publish(
        `${t.config.redis.keyPrefix}:events:SYSTEM_HEALTH_CHANGED`,
        JSON.stringify({
          instance: 'other-host:4242',
          status: 'degraded',
          checkedAt: new Date().toISOString(),
          changes: [{ component: 'cache', from: 'ok', to: 'down', message: 'connection refused' }],
        }),
      );
    } finally {
      publisher.disconnect();
    }
    const others = page.locator('#health-others');
    await expect.poll(() => others.textContent(), { timeout: 20_000 }).toContain('other-host:4242');
    expect(await others.textContent()).toContain('cache DOWN');
    expect(await cache.getAttribute('data-status')).toBe('OK');
    expect(await page.locator('#problem').textContent()).toBe('');
    expectClean(signedIn);
  }, 60_000);

  it('shows a component going down and coming back when the app’s Redis stops and starts', async () => {
    const { page } = signedIn;
    const cache = page.locator('#health-components [data-component="cache"]');
    await expect.poll(() => cache.getAttribute('data-status'), { timeout: 20_000 }).toBe('OK');
    await redis.stop();
    await expect.poll(() => cache.getAttribute('data-status'), { timeout: 30_000 }).toBe('DOWN');
    // Said in words and with a shape, not colour alone; and announced to assistive technology.
    expect(await cache.locator('.status').textContent()).toContain('DOWN');
    await expect
      .poll(() => page.locator('#announcer').textContent(), { timeout: 5_000 })
      .toContain('cache is DOWN');
    await screenshot(page, 'console-redis-down');
    await redis.start();
    await expect.poll(() => cache.getAttribute('data-status'), { timeout: 45_000 }).toBe('OK');
    await expect.poll(() => page.locator('#live-status').textContent(), { timeout: 30_000 }).toBe('Live');
    expect(await cache.locator('.strip-caption').textContent()).toContain('not OK in');
    expect(signedIn.pageErrors).toEqual([]);
    expect(signedIn.cspViolations).toEqual([]);
    expect(foreignHosts(signedIn, host())).toEqual([]);
  }, 120_000);
});

describe('the page', () => {
  it('is written at both widths, passes axe, and signs out', async () => {
    const { page } = signedIn;
    const files = await screenshot(page, 'console');
    expect(files).toHaveLength(2);
    for (const viewport of Object.values(VIEWPORTS)) {
      await page.setViewportSize(viewport);
      expect(await checkAccessibility(page)).toEqual([]);
    }
    // Keyboard: the sign-out button is reachable and works from the keyboard.
    await page.locator('#sign-out').focus();
    await page.keyboard.press('Enter');
    await page.locator('#sign-in').waitFor({ state: 'visible' });
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    expect(await page.locator('#console').isHidden()).toBe(true);
    expect(await page.locator('#live-status').textContent()).toBe('Not signed in');
    expect(await checkAccessibility(page)).toEqual([]);
    expect(signedIn.pageErrors).toEqual([]);
    expect(signedIn.cspViolations).toEqual([]);
    await signedIn.context.close();
  }, 60_000);
});
