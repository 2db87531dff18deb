import type { MailConfig } from '../../config/config';
import type { Logger } from '../../platform/logging/logger';
import { renderEmail } from './email-render';
import { buildRawMessage } from './raw-message';
import { SesMailer } from './ses-mailer';

/**
 * STARTUP_FAILED: the one operator e-mail that cannot go through the database and the queue (they
 * may be what failed). Sent straight to NOTIFICATION_EMAIL through SES, once per failed start,
 * bounded by `timeoutMs`; a failure to send is logged, never thrown. A crash loop sends one per
 * restart (the container platform's restart backoff spaces them). Without a recipient row it has
 * no unsubscribe link: the address is configuration (unset NOTIFICATION_EMAIL to stop it).
 */
export async function reportStartupFailure(
  mail: MailConfig,
  logger: Logger,
  error: unknown,
  timeoutMs = 10_000,
): Promise<void> {
  if (!mail.enabled || !mail.notificationEmail || !mail.fromEmail) return;
  const message = error instanceof Error ? error.message : String(error);
  const email = renderEmail(
    {
      title: 'Start-up failed',
      lines: [`A service process failed to start: ${message.slice(0, 500)}`],
    },
    'critical',
    { unsubscribeUrl: `${mail.publicUrl ?? ''}/` },
  );
  const raw = buildRawMessage(email, {
    from: mail.fromEmail,
    fromName: mail.fromName,
    to: mail.notificationEmail,
    headers: {},
  });
  const mailer = new SesMailer(mail);
  try {
    await Promise.race([
      mailer.sendRaw(raw, mail.notificationEmail),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), timeoutMs).unref()),
    ]);
  } catch (sendError) {
    logger.warn({ error: (sendError as Error).message }, 'start-up failure e-mail not sent');
  } finally {
    mailer.close();
  }
}
