import type { EntityManager } from '@mikro-orm/postgresql';
import type { EmailContent, Severity } from './notification-email.entity';
import type { NotificationMailbox } from './notification-mailbox';
import type { NotificationPreferences } from './notification-preferences';

interface HeldRecipient {
  recipient_id: number;
  email: string;
  preferences: NotificationPreferences;
}

interface HeldItem {
  id: string;
  severity: Severity;
  content: EmailContent;
  created_at: Date | string;
}

/** A digest batches at most this many items (the rest wait for the next one). */
const MAX_ITEMS = 200;
const SEVERITY_RANK = { info: 0, success: 1, warning: 2, critical: 3 } as const;

/** The local date and hour of `at` in `timeZone`. */
export function localHour(at: Date, timeZone: string): { date: string; hour: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}

/**
 * Sends digests that are due: for every recipient with held e-mails whose local hour (in their
 * time zone) is their digest hour, one DIGEST e-mail (key: recipient and local date, so a second
 * pass in the same hour, or another process's, makes no second one) batching the held items,
 * which become `batched` with its id. Runs every 15 minutes (repeatable job) and in tests directly.
 */
export class NotificationDigest {
  constructor(private readonly mailbox: NotificationMailbox) {}

  async run(em: EntityManager, now: Date = new Date()): Promise<number> {
    const recipients = await em.execute<HeldRecipient[]>(
      `select distinct r.id as recipient_id, r.email, r.preferences
         from notification_email e join notification_recipient r on r.id = e.recipient_id
        where e.status = 'held'`,
    );
    let sent = 0;
    for (const recipient of recipients) {
      const { date, hour } = localHour(now, recipient.preferences.timeZone);
      if (hour !== recipient.preferences.digestHour) continue;
      if (await this.send(em, recipient, date)) sent++;
    }
    return sent;
  }

  private async send(em: EntityManager, recipient: HeldRecipient, date: string): Promise<boolean> {
    return em.transactional(async (tx) => {
      const items = await tx.execute<HeldItem[]>(
        `select id, severity, content, created_at from notification_email
          where recipient_id = ? and status = 'held' order by id limit ? for update skip locked`,
        [recipient.recipient_id, MAX_ITEMS],
      );
      if (items.length === 0) return false;
      const severity = items.reduce(
        (worst, i) => (SEVERITY_RANK[i.severity] > SEVERITY_RANK[worst] ? i.severity : worst),
        'info' as Severity,
      );
      const digestId = await this.mailbox.record(tx, {
        recipientId: recipient.recipient_id,
        toAddress: recipient.email,
        eventKey: `digest:${date}`,
        kind: 'DIGEST',
        severity,
        content: {
          title: `Your notification digest for ${date}`,
          lines: [`${items.length} notification${items.length === 1 ? '' : 's'} since the last digest:`],
          items: items.map((i) => ({
            title: i.content.title,
            severity: i.severity,
            at: new Date(i.created_at).toISOString(),
          })),
        },
      });
      if (!digestId) return false; // today's digest went out already: the rest waits for tomorrow's
      await tx.execute(
        `update notification_email set status = 'batched', digest_id = ?, updated_at = now()
          where id in (${items.map(() => '?').join(', ')})`,
        [digestId, ...items.map((i) => i.id)],
      );
      return true;
    });
  }
}
