import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationEmail } from '../../src/modules/notifications/notification-email.entity';
import { NotificationRecipient } from '../../src/modules/notifications/notification-recipient.entity';
import { DEFAULT_PREFERENCES } from '../../src/modules/notifications/notification-preferences';
import { type Child, spawnTs } from '../support/child-process';
import { freePort } from '../support/free-port';
import { type NotificationsKit, startNotificationsKit } from './notifications-kit';

/**
 * A worker process is SIGKILLed while SES is sending its e-mail (SES stored it; the worker never
 * heard back). BullMQ redelivers the stalled job to a new worker process, which finds the record
 * `sending` and does not send again; the same event reported again makes no record. One e-mail.
 */
describe('a worker killed mid-send', () => {
  let kit: NotificationsKit;
  const children: Child[] = [];

  beforeAll(async () => {
    kit = await startNotificationsKit({}, 'api'); // the api here; workers are child processes
  }, 60_000);
  afterAll(async () => {
    for (const child of children) child.kill();
    await kit?.close();
  });

  async function worker(): Promise<Child> {
    const child = spawnTs('test/support/role-main.ts', {
      PATH: process.env.PATH,
      ...kit.env,
      ROLE: 'worker',
      PORT: String(await freePort()),
      // A dead worker's lock expires, and the living one looks for stalled jobs, within seconds
      // (30 s each by default: the redelivery took 65-97 s and ran past the wait on a loaded CI).
      QUEUE_LOCK_DURATION_MS: '2000',
      QUEUE_STALLED_INTERVAL_MS: '1000',
    });
    children.push(child);
    await child.waitForLine(/started worker/, 60_000);
    return child;
  }

  it('sends the e-mail once', async () => {
    const email = 'killed@example.test';
    const em = kit.probe.fork();
    em.persist(
      Object.assign(new NotificationRecipient(), {
        email,
        verified: true,
        verifiedAt: new Date(),
        preferences: { ...DEFAULT_PREFERENCES, watchedLogins: ['kernighan'] },
      }),
    );
    await em.flush();

    kit.proxy.holdAnswers(true);
    const first = await worker();
    await kit.harvestEnded('kernighan', 'killed-1');
    await kit.ses.waitFor(email); // SES has it; the worker is still waiting for the answer
    first.kill();
    await first.exited(10_000);
    kit.proxy.holdAnswers(false);
    const record = await kit.probe.fork().findOneOrFail(NotificationEmail, { toAddress: email });
    expect(record).toMatchObject({ status: 'sending', attempts: 1 });

    await kit.harvestEnded('kernighan', 'killed-1'); // reported again: the same event
    const second = await worker();
    // BullMQ hands the stalled job to the new worker once the dead one's lock expired.
    await second.waitForLine(/no longer queued; not sent again/, 90_000);
    const after = await kit.probe.fork().find(NotificationEmail, { toAddress: email });
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ status: 'sending', attempts: 1 });
    expect((await kit.ses.emails()).filter((e) => e.destination.to.includes(email))).toHaveLength(1);

    // The sweep marks it failed (outcome unknown) once it is old enough, still without sending.
    await kit.probe
      .fork()
      .getConnection()
      .execute(`update notification_email set updated_at = now() - interval '11 minutes' where id = ?`, [
        record.id,
      ]);
    expect(await kit.probe.notifications.processor.expireInterrupted(kit.probe.fork())).toBe(1);
    expect((await kit.probe.fork().findOneOrFail(NotificationEmail, { id: record.id })).status).toBe(
      'failed',
    );
  }, 180_000);
});
