import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKeyWithCli } from '../support/api-keys';
import { publishEvent, TOPICS } from '../../src/core/topics';
import { NotificationEmail } from '../../src/modules/notifications/notification-email.entity';
import { NotificationRecipient } from '../../src/modules/notifications/notification-recipient.entity';
import { DEFAULT_PREFERENCES } from '../../src/modules/notifications/notification-preferences';
import { corePercentLeft } from '../../src/modules/notifications/token-budget-notices';
import type { TokenPoolSnapshot } from '../../src/platform/github/token-pool';
import {
  linkIn,
  type NotificationsKit,
  READ,
  SEND_TEST,
  startNotificationsKit,
  tokenOf,
  UNSUBSCRIBE,
  UPDATE,
} from './notifications-kit';

/**
 * Notification e-mails end to end, against aws-ses-v2-local as a real process (behind the SES
 * proxy that adds throttling and GetSendQuota): double opt-in, delivery, unsubscribe (link and
 * RFC 8058 one-click), digests, one e-mail per event, throttling retried.
 */
describe('notification e-mails through local SES', () => {
  let kit: NotificationsKit;

  beforeAll(async () => {
    kit = await startNotificationsKit({
      NOTIFICATION_EMAIL: 'ops@example.test',
      SES_REQUEST_TIMEOUT_MS: '1000',
    });
  }, 60_000);
  afterAll(async () => kit?.close());

  /** Signs `email` up watching `login`, confirms it with the link of the verification e-mail; returns the settings token. */
  async function verifiedRecipient(
    email: string,
    login: string,
    extra: Record<string, unknown> = {},
  ): Promise<string> {
    const signUp = await kit.app.graphql(UPDATE, { input: { email, watchedLogins: [login], ...extra } });
    expect(signUp.body.errors).toBeUndefined();
    expect(signUp.body.data.updateNotificationSettings).toMatchObject({
      verificationSent: true,
      settings: { email, verified: false },
    });
    const [verification] = await kit.ses.waitFor(email);
    expect(verification!.subject).toBe('Confirm your notification e-mails');
    const link = linkIn(verification!.body.text, `${kit.app.url}/notifications/verify?token=`);
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('confirmed');
    return tokenOf(link);
  }

  async function recordsTo(email: string): Promise<NotificationEmail[]> {
    return kit.probe.fork().find(NotificationEmail, { toAddress: email }, { orderBy: { id: 'asc' } });
  }

  it('sends nothing but the verification e-mail until the address is confirmed, then delivers', async () => {
    const email = 'ada@example.test';
    const signUp = await kit.app.graphql(UPDATE, { input: { email, watchedLogins: ['octocat'] } });
    expect(signUp.body.data.updateNotificationSettings.verificationSent).toBe(true);
    // An event before the confirmation: no e-mail for it.
    await kit.harvestEnded('octocat', 'before-verify');
    const [verification] = await kit.ses.waitFor(email);
    expect((await recordsTo(email)).map((r) => r.kind)).toEqual(['VERIFICATION']);

    const link = linkIn(verification!.body.text, `${kit.app.url}/notifications/verify?token=`);
    expect((await fetch(link)).status).toBe(200);
    const read = await kit.app.graphql(READ, { input: { token: tokenOf(link) } });
    expect(read.body.data.notificationSettings).toMatchObject({
      email,
      verified: true,
      watchedLogins: ['octocat'],
    });

    await kit.harvestEnded('OctoCat', 'job-1');
    const mails = await kit.ses.waitFor(email, 2);
    expect(mails[1]!.subject).toBe('[SUCCESS] OctoCat: harvest finished');
    expect(mails[1]!.body.html).toContain('#1a7f37');
    expect(mails[1]!.body.text).toContain('Unsubscribe: ');
    const sent = (await recordsTo(email)).find((r) => r.kind === 'HARVEST_FINISHED')!;
    expect(sent).toMatchObject({ status: 'sent', attempts: 1, sesMessageId: mails[1]!.messageId });
  });

  it('carries a signed unsubscribe link and the RFC 8058 headers (sent with SendRawEmail)', async () => {
    const email = 'grace@example.test';
    const token = await verifiedRecipient(email, 'grace');
    const test = await kit.app.graphql(SEND_TEST, { input: { token } });
    expect(test.body.data.sendTestNotification.queued).toBe(true);
    await kit.ses.waitFor(email, 2);
    const raw = kit.proxy.calls.filter((c) => c.raw?.includes(`To: ${email}`)).at(-1)!.raw!;
    expect(raw).toMatch(
      /^List-Unsubscribe: <http:\/\/127\.0\.0\.1:\d+\/notifications\/unsubscribe\?token=[^>]+>\r$/m,
    );
    expect(raw).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n');
  });

  it('unsubscribes by the link in the e-mail (a page, then its button)', async () => {
    const email = 'linus@example.test';
    const token = await verifiedRecipient(email, 'torvalds');
    await kit.app.graphql(SEND_TEST, { input: { token } });
    const [, test] = await kit.ses.waitFor(email, 2);
    const link = linkIn(test!.body.text, `${kit.app.url}/notifications/unsubscribe?token=`);
    const page = await fetch(link);
    expect(await page.text()).toContain('method="post"'); // a GET alone unsubscribes nobody
    expect((await kit.app.graphql(READ, { input: { token } })).body.data.notificationSettings.enabled).toBe(
      true,
    );
    const confirm = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'confirm=1',
    });
    expect(confirm.status).toBe(200);
    expect((await kit.app.graphql(READ, { input: { token } })).body.data.notificationSettings.enabled).toBe(
      false,
    );
    await kit.harvestEnded('torvalds', 'after-unsubscribe');
    expect((await recordsTo(email)).map((r) => r.kind)).toEqual(['VERIFICATION', 'TEST']);
  });

  it('unsubscribes by RFC 8058 one-click POST to the List-Unsubscribe URL', async () => {
    const email = 'margaret@example.test';
    const token = await verifiedRecipient(email, 'hamilton');
    await kit.app.graphql(SEND_TEST, { input: { token } });
    await kit.ses.waitFor(email, 2);
    const raw = kit.proxy.calls.filter((c) => c.raw?.includes(`To: ${email}`)).at(-1)!.raw!;
    const url = /^List-Unsubscribe: <([^>]+)>/m.exec(raw)![1]!;
    const oneClick = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    const recipient = await kit.probe.fork().findOneOrFail(NotificationRecipient, { email });
    expect(recipient.preferences.enabled).toBe(false);
    expect(recipient.unsubscribedAt).not.toBeNull();
    // The GraphQL mutation takes the same token too; a forged one is FORBIDDEN.
    expect(
      (await kit.app.graphql(UNSUBSCRIBE, { input: { token: tokenOf(url) } })).body.data.unsubscribe.email,
    ).toBe(email);
    const forged = await kit.app.graphql(UNSUBSCRIBE, { input: { token: `${tokenOf(url)}x` } });
    expect(forged.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('batches events into one digest at the chosen local hour', async () => {
    const email = 'barbara@example.test';
    await verifiedRecipient(email, 'liskov', {
      deliveryMode: 'DIGEST',
      digestHour: 9,
      timeZone: 'Asia/Tokyo',
    });
    for (const job of ['d1', 'd2', 'd3'])
      await kit.harvestEnded('liskov', job, job === 'd2' ? 'failed' : 'completed');
    const held = await recordsTo(email);
    expect(held.filter((r) => r.status === 'held')).toHaveLength(3);
    const { digest } = kit.probe.notifications;
    // 23:30 UTC is 08:30 in Tokyo: not yet. 00:15 UTC is 09:15 there: the digest goes out, once.
    expect(await digest.run(kit.probe.fork(), new Date('2026-12-04T23:30:00Z'))).toBe(0);
    expect(await digest.run(kit.probe.fork(), new Date('2026-12-05T00:15:00Z'))).toBe(1);
    expect(await digest.run(kit.probe.fork(), new Date('2026-12-05T00:30:00Z'))).toBe(0);
    const [, mail] = await kit.ses.waitFor(email, 2);
    expect(mail!.subject).toBe('[WARNING] Your notification digest for 2026-12-05');
    expect(mail!.body.text).toContain('3 notifications since the last digest');
    expect(mail!.body.text).toContain('[WARNING] liskov: harvest failed');
    const after = await recordsTo(email);
    expect(after.filter((r) => r.status === 'batched')).toHaveLength(3);
    expect(new Set(after.filter((r) => r.status === 'batched').map((r) => r.digestId)).size).toBe(1);
    expect((await kit.ses.emails()).filter((e) => e.destination.to.includes(email))).toHaveLength(2);
  });

  it('sends one e-mail for the same event, however often it is reported', async () => {
    const email = 'ken@example.test';
    await verifiedRecipient(email, 'thompson');
    await Promise.all([kit.harvestEnded('thompson', 'same'), kit.harvestEnded('thompson', 'same')]);
    await kit.harvestEnded('thompson', 'same');
    await kit.ses.waitFor(email, 2);
    await new Promise((r) => setTimeout(r, 500));
    expect((await kit.ses.emails()).filter((e) => e.destination.to.includes(email))).toHaveLength(2);
    expect((await recordsTo(email)).map((r) => r.kind)).toEqual(['VERIFICATION', 'HARVEST_FINISHED']);
  });

  it('retries when SES throttles, with backoff, and records the attempts', async () => {
    const email = 'dennis@example.test';
    const token = await verifiedRecipient(email, 'ritchie');
    kit.proxy.throttle(2);
    await kit.app.graphql(SEND_TEST, { input: { token } });
    const [, mail] = await kit.ses.waitFor(email, 2);
    expect(mail!.subject).toBe('Test notification');
    const record = (await recordsTo(email)).find((r) => r.kind === 'TEST')!;
    expect(record).toMatchObject({ status: 'sent', attempts: 3, sesMessageId: mail!.messageId });
  });

  it('e-mails rank changes of watched developers that reach the recipient threshold', async () => {
    const near = 'near@example.test';
    const far = 'far@example.test';
    await verifiedRecipient(near, 'mover', { events: ['RANK_CHANGED'], rankChangeThreshold: 3 });
    await verifiedRecipient(far, 'mover', { events: ['RANK_CHANGED'], rankChangeThreshold: 50 });
    const sql = kit.probe.fork().getConnection();
    const [user] = await sql.execute<{ id: number }[]>(
      `insert into github_user (login, login_key, social, organizations, created_at, updated_at)
         values ('Mover', 'mover', '[]', '[]', now(), now()) returning id`,
    );
    const runs = await sql.execute<{ id: number }[]>(
      `insert into ranking_run (status, trigger, started_at, finished_at) values
         ('completed', 'manual', now(), now()), ('completed', 'manual', now(), now()) returning id`,
    );
    const [before, after] = runs.map((r) => r.id) as [number, number];
    await sql.execute(
      `insert into ranking_snapshot (run_id, user_id, score, global_rank) values (?, ?, 10, 20), (?, ?, 50, 12)`,
      [before, user!.id, after, user!.id],
    );
    const run = await kit.probe.rankings.runs.get(kit.probe.fork(), after);
    await kit.probe.rankings.completed.emit(run!);
    await kit.probe.rankings.completed.emit(run!); // told twice: one e-mail
    const [, mail] = await kit.ses.waitFor(near, 2);
    expect(mail!.subject).toBe('[SUCCESS] Mover moved up 8 places');
    expect(mail!.body.text).toContain('#20 before, #12 now');
    await new Promise((r) => setTimeout(r, 300));
    expect((await recordsTo(near)).map((r) => r.kind)).toEqual(['VERIFICATION', 'RANK_CHANGED']);
    expect((await recordsTo(far)).map((r) => r.kind)).toEqual(['VERIFICATION']);
  });

  it('e-mails new trophies and follower and star milestones of watched developers, once each, not on first sighting', async () => {
    const chooser = 'climber-fan@example.test';
    const other = 'climber-ranks@example.test';
    await verifiedRecipient(chooser, 'climber', {
      events: ['NEW_TROPHY', 'FOLLOWER_MILESTONE', 'STAR_MILESTONE'],
    });
    await verifiedRecipient(other, 'climber', { events: ['RANK_CHANGED'] });
    const sql = kit.probe.fork().getConnection();
    const [user] = await sql.execute<{ id: number }[]>(
      `insert into github_user (login, login_key, social, organizations, followers, harvested_at, created_at, updated_at)
         values ('Climber', 'climber', '[]', '[]', 90, now(), now(), now()) returning id`,
    );
    await sql.execute(
      `insert into repository (owner_id, name, topics, stargazer_count, fork_count, open_issues_count,
         watcher_count, disk_usage_kb, is_fork, is_archived, harvested_at)
       values (?, 'rope', '[]', 80, 0, 0, 0, 0, false, false, now())`,
      [user!.id],
    );
    await kit.harvestEnded('Climber', 'climb-1'); // first sighting: only the snapshot
    const [snapshot] = await sql.execute<{ figures: unknown }[]>(
      `select figures from notification_developer_snapshot where login_key = 'climber'`,
    );
    expect(snapshot!.figures).toEqual({ followers: 90, stars: 80, badges: [] });
    expect(await recordsTo(chooser)).toHaveLength(1);

    await sql.execute(`update github_user set followers = 120 where id = ?`, [user!.id]);
    await sql.execute(`update repository set stargazer_count = 150 where owner_id = ?`, [user!.id]);
    await kit.harvestEnded('Climber', 'climb-2');
    await kit.harvestEnded('Climber', 'climb-3'); // same figures: nothing new
    await kit.harvestEnded('Climber', 'climb-2'); // the same harvest told twice
    const mails = await kit.ses.waitFor(chooser, 4);
    expect(
      mails
        .slice(1)
        .map((m) => m.subject)
        .sort(),
    ).toEqual([
      '[SUCCESS] Climber earned the Star Gazer trophy (BRONZE)',
      '[SUCCESS] Climber passed 100 followers',
      '[SUCCESS] Climber passed 100 stars',
    ]);
    await new Promise((r) => setTimeout(r, 300));
    expect((await recordsTo(chooser)).map((r) => r.kind).sort()).toEqual([
      'FOLLOWER_MILESTONE',
      'NEW_TROPHY',
      'STAR_MILESTONE',
      'VERIFICATION',
    ]);
    expect((await recordsTo(other)).map((r) => r.kind)).toEqual(['VERIFICATION']);

    // Snapshots of developers nobody watches any more are pruned; watched ones stay.
    await sql.execute(
      `insert into notification_developer_snapshot (login_key, figures, updated_at) values ('gone', '{}', now())`,
    );
    expect(await kit.probe.notifications.milestones.prune(kit.probe.fork())).toBe(1);
    const kept = await sql.execute<{ login_key: string }[]>(
      `select login_key from notification_developer_snapshot`,
    );
    expect(kept.map((r) => r.login_key)).toEqual(['climber']);
  });

  it('answers requests while SES does not answer, and never resends an e-mail SES may have sent', async () => {
    const email = 'silent@example.test';
    kit.proxy.holdAnswers(true); // SES stores the message but its answer never comes back
    try {
      const signUp = await kit.app.graphql(UPDATE, { input: { email } });
      expect(signUp.body.data.updateNotificationSettings.verificationSent).toBe(true);
      await kit.ses.waitFor(email);
      await expect.poll(async () => (await recordsTo(email))[0]?.status, { timeout: 10_000 }).toBe('failed');
    } finally {
      kit.proxy.holdAnswers(false);
    }
    const [record] = await recordsTo(email);
    expect(record).toMatchObject({ attempts: 1, sesMessageId: null });
    expect(record!.lastError).toMatch(/^no answer from SES; not sent again/);
    await new Promise((r) => setTimeout(r, 300));
    expect((await kit.ses.emails()).filter((e) => e.destination.to.includes(email))).toHaveLength(1);
  });

  it('deletes finished records past the retention, keeping waiting ones', async () => {
    const sql = kit.probe.fork().getConnection();
    const insert = (key: string, status: string) =>
      sql.execute(
        `insert into notification_email (recipient_id, to_address, event_key, kind, status, content, created_at, updated_at)
           values (1, 'old@example.test', ?, 'TEST', ?, '{"title": "t", "lines": []}', now(), now() - interval '100 days')`,
        [key, status],
      );
    await insert('old-sent', 'sent');
    await insert('old-held', 'held');
    const removed = await kit.probe.notifications.mailbox.prune(kit.probe.fork(), 90);
    expect(removed).toBe(1);
    expect((await recordsTo('old@example.test')).map((r) => r.eventKey)).toEqual(['old-held']);
  });

  it('e-mails a low GitHub token budget to recipients whose threshold is above what is left, once an hour', async () => {
    const em = kit.probe.fork();
    for (const [email, percent] of [
      ['budget20@example.test', 20],
      ['budget5@example.test', 5],
    ] as const)
      em.persist(
        Object.assign(new NotificationRecipient(), {
          email,
          verified: true,
          preferences: { ...DEFAULT_PREFERENCES, events: ['TOKEN_BUDGET_LOW'], tokenBudgetPercent: percent },
        }),
      );
    await em.flush();
    const core = (remaining: number) => ({
      limit: 5000,
      remaining,
      used: 5000 - remaining,
      resetAt: undefined,
    });
    const snapshot = {
      mode: 'authenticated',
      reason: undefined,
      tokens: [
        { id: 'a', valid: true, invalidSince: undefined, resources: { core: core(400) } },
        { id: 'b', valid: true, invalidSince: undefined, resources: { core: core(600) } },
        { id: 'c', valid: false, invalidSince: 'x', resources: { core: core(5000) } },
      ],
    } as unknown as TokenPoolSnapshot;
    expect(corePercentLeft(snapshot)).toBe(10);
    const now = new Date('2026-12-05T10:05:00Z');
    expect(await kit.probe.notifications.budget.check(kit.probe.fork(), snapshot, now)).toBe(1);
    expect(await kit.probe.notifications.budget.check(kit.probe.fork(), snapshot, now)).toBe(0);
    const [mail] = await kit.ses.waitFor('budget20@example.test');
    expect(mail!.subject).toBe('[WARNING] GitHub token budget low: 10% left');
    expect(await recordsTo('budget5@example.test')).toEqual([]);
  });

  it('refuses bad input with BAD_USER_INPUT or FORBIDDEN and changes nothing', async () => {
    const before = await kit.probe.fork().count(NotificationRecipient, {});
    const cases: [Record<string, unknown>, string][] = [
      [{ email: 'not an address' }, 'BAD_USER_INPUT'],
      [
        { email: 'x@example.test', watchedLogins: Array.from({ length: 51 }, (_, i) => `dev${i}`) },
        'BAD_USER_INPUT',
      ],
      [{ email: 'x@example.test', watchedLogins: ['-bad-'] }, 'BAD_USER_INPUT'],
      [{ email: 'x@example.test', rankChangeThreshold: 0 }, 'BAD_USER_INPUT'],
      [{ email: 'x@example.test', digestHour: 24 }, 'BAD_USER_INPUT'],
      [{ email: 'x@example.test', timeZone: 'Mars/Olympus' }, 'BAD_USER_INPUT'],
      [{ email: 'x@example.test', events: ['COMPONENT_DOWN'] }, 'FORBIDDEN'],
      [{ token: 'eyJyIjoxLCJ2IjoxfQ.forged' }, 'FORBIDDEN'],
      [{ email: 'ada@example.test', enabled: false }, 'FORBIDDEN'], // exists: its own link is needed
      [{}, 'BAD_USER_INPUT'],
    ];
    for (const [input, code] of cases) {
      const answer = await kit.app.graphql(UPDATE, { input });
      expect(answer.body.errors?.[0]?.extensions?.code, JSON.stringify(input)).toBe(code);
    }
    const unknownEvent = await kit.app.graphql(UPDATE, {
      input: { email: 'x@example.test', events: ['NOPE'] },
    });
    expect(unknownEvent.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await kit.probe.fork().count(NotificationRecipient, {})).toBe(before);
    const ada = await kit.probe.fork().findOneOrFail(NotificationRecipient, { email: 'ada@example.test' });
    expect(ada.preferences.enabled).toBe(true);
    const read = await kit.app.graphql(READ, { input: { email: 'ada@example.test' } });
    expect(read.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN'); // not an operator
  });

  it('e-mails operators once per outage and once per recovery, however many health rounds report it', async () => {
    const ops = 'ops@example.test';
    const [started] = await kit.ses.waitFor(ops);
    expect(started!.subject).toMatch(/^\[SUCCESS\] Service started on /);
    const change = (instance: string, to: string, from: string) =>
      publishEvent(kit.probe.pubSub, TOPICS.SYSTEM_HEALTH_CHANGED, {
        instance,
        status: to === 'down' ? 'degraded' : 'ok',
        checkedAt: new Date().toISOString(),
        changes: [{ component: 'cache', from, to, message: to === 'down' ? 'connect ECONNREFUSED' : null }],
      });
    // Two instances see the outage, one of them twice; then both see the recovery.
    change('a:1', 'down', 'ok');
    change('b:2', 'down', 'ok');
    change('a:1', 'down', 'degraded');
    const [, down] = await kit.ses.waitFor(ops, 2);
    expect(down!.subject).toBe('[CRITICAL] cache is down');
    expect(down!.body.text).toContain('connect ECONNREFUSED');
    expect(down!.body.html).toContain('#cf222e');
    change('a:1', 'ok', 'down');
    change('b:2', 'ok', 'down');
    const [, , recovered] = await kit.ses.waitFor(ops, 3);
    expect(recovered!.subject).toBe('[SUCCESS] cache recovered');
    await new Promise((r) => setTimeout(r, 500));
    expect((await kit.ses.emails()).filter((e) => e.destination.to.includes(ops))).toHaveLength(3);
    // A new outage is a new incident: one more e-mail.
    change('b:2', 'down', 'ok');
    await kit.ses.waitFor(ops, 4);
  });

  it('lets operators read and change any address, and read the delivery figures', async () => {
    const { key } = await createKeyWithCli(kit.app.config, 'operator');
    const read = await kit.app.graphql(READ, { input: { email: 'ada@example.test' } }, bearer(key));
    expect(read.body.data.notificationSettings).toMatchObject({ email: 'ada@example.test', verified: true });
    const events = await kit.app.graphql(
      UPDATE,
      { input: { email: 'ada@example.test', events: ['HARVEST_FINISHED', 'COMPONENT_DOWN'] } },
      bearer(key),
    );
    expect(events.body.data.updateNotificationSettings.settings.events).toEqual([
      'HARVEST_FINISHED',
      'COMPONENT_DOWN',
    ]);
    const figures = await kit.app.graphql(
      '{ notificationDelivery(hours: 1) { hours sent failed bounced complained skipped waiting } }',
      {},
      bearer(key),
    );
    expect(figures.body.data.notificationDelivery.hours).toBe(1);
    expect(figures.body.data.notificationDelivery.sent).toBeGreaterThanOrEqual(10);
    const anonymous = await kit.app.graphql('{ notificationDelivery { sent } }');
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('reports in health what SES answered (GetSendQuota) and the delivery figures', async () => {
    const res = await fetch(`${kit.app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ systemHealth { components { name status } } }' }),
    });
    const body = (await res.json()) as {
      data: { systemHealth: { components: { name: string; status: string }[] } };
    };
    expect(body.data.systemHealth.components.find((c) => c.name === 'mail')?.status).toBe('OK');
    expect(kit.proxy.calls.some((c) => c.action === 'GetSendQuota')).toBe(true);
  });
});
