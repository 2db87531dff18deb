import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationEmail } from '../../src/modules/notifications/notification-email.entity';
import { NotificationRecipient } from '../../src/modules/notifications/notification-recipient.entity';
import { bearer, createKeyWithCli } from '../support/api-keys';
import { type NotificationsKit, startNotificationsKit, UPDATE } from './notifications-kit';

/**
 * Sign-ups are budgeted per caller (NOTIFICATION_SIGNUPS_*): each one may e-mail an address the
 * caller chose, so a client cannot make the service e-mail strangers at the query rate's pace.
 */
describe('notification sign-ups per caller', () => {
  let kit: NotificationsKit;

  beforeAll(async () => {
    kit = await startNotificationsKit({
      NOTIFICATION_SIGNUPS_ANONYMOUS: '2',
      NOTIFICATION_SIGNUPS_READER: '1',
    });
  }, 60_000);
  afterAll(async () => kit?.close());

  const signUp = (email: string, headers: Record<string, string> = {}) =>
    kit.app.graphql(UPDATE, { input: { email } }, headers);
  const recipients = (email: string) => kit.probe.fork().count(NotificationRecipient, { email });
  const emails = (email: string) => kit.probe.fork().count(NotificationEmail, { toAddress: email });

  it('lets an anonymous client sign up NOTIFICATION_SIGNUPS_ANONYMOUS addresses an hour, then refuses without e-mailing', async () => {
    for (const email of ['first@example.test', 'second@example.test']) {
      const answer = await signUp(email);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.updateNotificationSettings.verificationSent).toBe(true);
    }
    const refused = await signUp('third@example.test');
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      limit: 'notificationSignups',
      allowed: 2,
    });
    expect(refused.body.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    expect(await recipients('third@example.test')).toBe(0);
    expect(await emails('third@example.test')).toBe(0);
    // Asking again for a known address (a new verification link) spends the budget too.
    expect((await signUp('first@example.test')).body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });

  it('gives each reader key its own budget, and does not bound operators', async () => {
    const reader = await createKeyWithCli(kit.app.config, 'reader', 'signup reader');
    expect((await signUp('reader-1@example.test', bearer(reader.key))).body.errors).toBeUndefined();
    const refused = await signUp('reader-2@example.test', bearer(reader.key));
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', allowed: 1 });
    expect(await recipients('reader-2@example.test')).toBe(0);

    const operator = await createKeyWithCli(kit.app.config, 'operator', 'signup operator');
    for (const n of [1, 2, 3]) {
      const answer = await signUp(`managed-${n}@example.test`, bearer(operator.key));
      expect(answer.body.errors).toBeUndefined();
    }
    expect(await recipients('managed-3@example.test')).toBe(1);
  });
});
