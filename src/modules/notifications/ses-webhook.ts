import type { EmailOutcomes } from './email-outcomes';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ModuleRoute } from '../../core/module';
import type { Logger } from '../../platform/logging/logger';
import { type SnsSettings, SnsVerifier } from './sns-signature';

/** What SES puts in an SNS message about a bounce or complaint (notifications or event publishing). */
interface SesFeedback {
  notificationType?: string;
  eventType?: string;
  bounce?: { bounceType?: string; bouncedRecipients?: { emailAddress?: string }[] };
  complaint?: { complainedRecipients?: { emailAddress?: string }[] };
  mail?: { messageId?: string };
}

const MAX_RECIPIENTS = 100;

/**
 * `POST /webhooks/ses`: SES bounce and complaint notifications delivered by SNS. The SNS signature
 * is verified first (sns-signature.ts); a SubscriptionConfirmation is confirmed by visiting its
 * SubscribeURL (an allowed host only). A permanent (hard) bounce or a complaint puts the
 * addresses on the suppression list (delivery skips them) and marks the e-mail bounced or
 * complained; transient bounces change nothing (SES retried them already).
 */
export function sesWebhookRoute(options: {
  readonly sns: SnsSettings;
  readonly fork: () => EntityManager;
  readonly logger: Logger;
  /** Bounces and complaints counted for /metrics. */
  readonly outcomes: EmailOutcomes;
}): ModuleRoute {
  const verifier = new SnsVerifier(options.sns);
  const ok = { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' };
  return {
    method: 'POST',
    url: '/webhooks/ses',
    async handle({ body }) {
      const message = await verifier.verify(body);
      if (message.Type === 'SubscriptionConfirmation') {
        await verifier.get(verifier.allowedUrl(message.SubscribeURL));
        options.logger.info({ topicArn: message.TopicArn }, 'SNS subscription confirmed');
        return ok;
      }
      if (message.Type !== 'Notification') return ok;
      let feedback: SesFeedback;
      try {
        feedback = JSON.parse(message.Message) as SesFeedback;
      } catch {
        return ok; // not an SES notification (a test message from the console): nothing to do
      }
      const type = feedback.notificationType ?? feedback.eventType;
      const hard = type === 'Bounce' && feedback.bounce?.bounceType === 'Permanent';
      const complaint = type === 'Complaint';
      if (!hard && !complaint) return ok;
      const addresses =
        (hard ? feedback.bounce?.bouncedRecipients : feedback.complaint?.complainedRecipients) ?? [];
      const emails = addresses
        .map((r) => r.emailAddress?.trim().toLowerCase())
        .filter((e): e is string => !!e && e.length <= 254)
        .slice(0, MAX_RECIPIENTS);
      const messageId = feedback.mail?.messageId ?? null;
      await options.fork().transactional(async (em) => {
        for (const email of emails) {
          await em.execute(
            `insert into notification_suppression (email, reason, ses_message_id, created_at) values (?, ?, ?, now())
               on conflict (email) do nothing`,
            [email, hard ? 'bounce' : 'complaint', messageId],
          );
        }
        if (messageId)
          await em.execute(
            `update notification_email set status = ?, updated_at = now() where ses_message_id = ?`,
            [hard ? 'bounced' : 'complained', messageId],
          );
      });
      options.outcomes.count(hard ? 'bounced' : 'complained');
      options.logger.info({ type, addresses: emails.length }, 'SES feedback: addresses suppressed');
      return ok;
    },
  };
}
