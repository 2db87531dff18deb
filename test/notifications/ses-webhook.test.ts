import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleValue, scrapeMetrics } from '../support/metrics-scrape';
import { NotificationEmail } from '../../src/modules/notifications/notification-email.entity';
import { NotificationSuppression } from '../../src/modules/notifications/notification-suppression.entity';
import { type FakeSns, otherKeyPath, startFakeSns } from '../support/fake-sns';
import {
  type NotificationsKit,
  SEND_TEST,
  startNotificationsKit,
  tokenOf,
  linkIn,
  UPDATE,
} from './notifications-kit';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ses-feedback';

/**
 * `POST /webhooks/ses`: SES bounce and complaint notifications as SNS delivers them, signed with
 * a test CA's certificate the way SNS signs (test/support/fake-sns.ts). Only the allowed
 * certificate host and the CA differ from production's settings.
 */
const EMAILS = 'insights_email_messages_total';

describe('SES feedback through SNS', () => {
  let sns: FakeSns;
  let kit: NotificationsKit;

  beforeAll(async () => {
    sns = await startFakeSns();
    kit = await startNotificationsKit({
      SNS_CERT_HOST_PATTERN: '^127\\.0\\.0\\.1$',
      SNS_CERT_CA_PATH: sns.certs.caPath,
      SNS_TOPIC_ARNS: TOPIC,
    });
  }, 60_000);
  afterAll(async () => {
    await kit?.close();
    await sns?.close();
  });

  function post(body: unknown): Promise<Response> {
    return fetch(`${kit.app.url}/webhooks/ses`, {
      method: 'POST',
      // SNS posts JSON as text/plain.
      headers: { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': 'Notification' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  function feedback(message: object): Record<string, string> {
    return {
      Type: 'Notification',
      MessageId: randomUUID(),
      TopicArn: TOPIC,
      Message: JSON.stringify(message),
      Timestamp: new Date().toISOString(),
    };
  }

  const bounce = (email: string, messageId = 'none', bounceType = 'Permanent') =>
    feedback({
      notificationType: 'Bounce',
      bounce: { bounceType, bounceSubType: 'General', bouncedRecipients: [{ emailAddress: email }] },
      mail: { messageId },
    });

  async function suppressed(email: string): Promise<boolean> {
    return (await kit.probe.fork().count(NotificationSuppression, { email })) > 0;
  }

  it('confirms a subscription by visiting its SubscribeURL (after checking the signature)', async () => {
    const confirmation = sns.sign({
      Type: 'SubscriptionConfirmation',
      MessageId: randomUUID(),
      Token: 'token-1',
      TopicArn: TOPIC,
      Message: `You have chosen to subscribe to the topic ${TOPIC}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
      SubscribeURL: `${sns.origin}/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=token-1`,
      Timestamp: new Date().toISOString(),
    });
    const answer = await post(confirmation);
    expect(answer.status).toBe(200);
    expect(sns.requests.some((r) => r.includes('Action=ConfirmSubscription'))).toBe(true);
  });

  it('suppresses a hard-bounced address (SignatureVersion 1 and 2); delivery then skips it', async () => {
    const email = 'bounce@example.test';
    const before = await scrapeMetrics(kit.app.url);
    await kit.app.graphql(UPDATE, { input: { email } });
    const [verification] = await kit.ses.waitFor(email);
    const record = await kit.probe.fork().findOneOrFail(NotificationEmail, { toAddress: email });
    const answer = await post(sns.sign(bounce(email, verification!.messageId), '1'));
    expect(answer.status).toBe(200);
    expect(await suppressed(email)).toBe(true);
    expect((await kit.probe.fork().findOneOrFail(NotificationEmail, { id: record.id })).status).toBe(
      'bounced',
    );

    // Its link still confirms it, but nothing more is sent to it.
    const token = tokenOf(linkIn(verification!.body.text, `${kit.app.url}/notifications/verify?token=`));
    await fetch(`${kit.app.url}/notifications/verify?token=${encodeURIComponent(token)}`);
    expect(
      (await kit.app.graphql(SEND_TEST, { input: { token } })).body.data.sendTestNotification.queued,
    ).toBe(true);
    await expect
      .poll(
        async () =>
          (await kit.probe.fork().findOne(NotificationEmail, { toAddress: email, kind: 'TEST' }))?.status,
      )
      .toBe('skipped');
    expect((await kit.ses.emails()).filter((e) => e.destination.to.includes(email))).toHaveLength(1);

    const other = 'bounce2@example.test';
    expect((await post(sns.sign(bounce(other), '2'))).status).toBe(200);
    expect(await suppressed(other)).toBe(true);

    // Counted for /metrics: the verification sent, the test e-mail skipped, two bounces.
    const after = await scrapeMetrics(kit.app.url);
    const delta = (outcome: string) =>
      sampleValue(after, EMAILS, { outcome })! - sampleValue(before, EMAILS, { outcome })!;
    expect(delta('bounced')).toBe(2);
    expect(delta('skipped')).toBe(1);
    expect(delta('sent')).toBeGreaterThanOrEqual(1);
  });

  it('suppresses a complaining address; a transient bounce changes nothing', async () => {
    const complaint = feedback({
      notificationType: 'Complaint',
      complaint: { complainedRecipients: [{ emailAddress: 'Angry@Example.test' }] },
      mail: { messageId: 'm-1' },
    });
    expect((await post(sns.sign(complaint))).status).toBe(200);
    expect(await suppressed('angry@example.test')).toBe(true);
    expect((await post(sns.sign(bounce('soft@example.test', 'm-2', 'Transient')))).status).toBe(200);
    expect(await suppressed('soft@example.test')).toBe(false);
  });

  it('refuses unsigned, mis-signed, altered and foreign-certificate messages (403) and suppresses nothing', async () => {
    const email = 'victim@example.test';
    const signed = sns.sign(bounce(email));
    const { Signature: _signature, ...unsigned } = signed;
    const cases: Record<string, unknown>[] = [
      unsigned,
      { ...signed, Signature: sns.sign(bounce(email), '2', otherKeyPath(sns.certs)).Signature },
      { ...signed, Message: signed.Message!.replace(email, 'someone@example.test') },
      { ...signed, SignatureVersion: '3' },
      { ...signed, SigningCertURL: signed.SigningCertURL!.replace('https:', 'http:') },
      { ...signed, SigningCertURL: 'https://sns.evil.example/cert.pem' },
      { ...signed, SigningCertURL: `${sns.origin}/not-a-certificate.txt` },
      { ...sns.sign({ ...bounce(email), TopicArn: 'arn:aws:sns:us-east-1:999999999999:other' }) },
    ];
    for (const body of cases) {
      const answer = await post(body);
      expect(answer.status, JSON.stringify(body).slice(0, 200)).toBe(403);
      expect(
        ((await answer.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code,
      ).toBe('FORBIDDEN');
    }
    expect((await post('not json')).status).toBe(400);
    expect(await suppressed(email)).toBe(false);
  });
});
