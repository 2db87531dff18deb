import type { EntityManager } from '@mikro-orm/postgresql';
import type { MailConfig } from '../../config/config';
import type { EmailContent, Severity } from './notification-email.entity';
import type { NotificationMailbox } from './notification-mailbox';
import {
  type NotificationEventName,
  type NotificationPreferences,
  OPERATOR_EVENTS,
  OPERATOR_PREFERENCES,
} from './notification-preferences';

/** Something that happened, once: `key` names it (the same key twice is the same event). */
export interface NotificationEvent {
  readonly name: NotificationEventName;
  readonly key: string;
  /** The developer it is about (watchers only), as a login key. */
  readonly login?: string;
  readonly severity: Severity;
  readonly content: EmailContent;
  /** RANK_CHANGED: how many places it moved (recipients with a higher threshold get nothing). */
  readonly rankChange?: number;
  /** TOKEN_BUDGET_LOW: the percentage left (recipients whose threshold is not above it get nothing). */
  readonly budgetPercentLeft?: number;
}

interface RecipientRow {
  id: number;
  email: string;
  preferences: NotificationPreferences;
}

/** Recipients per event are read in pages of this many. */
const PAGE = 500;

/**
 * Turns an event into one recorded e-mail per verified, subscribed recipient who chose it (and
 * watches its developer), in the caller's transaction: immediate ones get their send job, digest
 * ones wait (`held`). Operator events also reach NOTIFICATION_EMAIL (a recipient verified by
 * configuration, created on first use; it can unsubscribe like anyone).
 */
export class NotificationDispatcher {
  constructor(
    private readonly mailbox: NotificationMailbox,
    private readonly mail: MailConfig,
  ) {}

  async dispatch(em: EntityManager, event: NotificationEvent): Promise<number> {
    if (!this.mail.enabled) return 0;
    if ((OPERATOR_EVENTS as readonly string[]).includes(event.name)) await this.ensureOperator(em);
    const filter: Record<string, unknown> = { enabled: true, events: [event.name] };
    if (event.login) filter.watchedLogins = [event.login];
    let recorded = 0;
    for (let after = 0; ;) {
      const rows = await em.execute<RecipientRow[]>(
        `select id, email, preferences from notification_recipient
           where verified and unsubscribed_at is null and preferences @> ?::jsonb and id > ?
             and (?::int is null or (preferences->>'rankChangeThreshold')::int <= ?::int)
             and (?::int is null or (preferences->>'tokenBudgetPercent')::int > ?::int)
           order by id limit ?`,
        [
          JSON.stringify(filter),
          after,
          ...[event.rankChange, event.rankChange, event.budgetPercentLeft, event.budgetPercentLeft].map(
            (v) => v ?? null,
          ),
          PAGE,
        ],
      );
      for (const row of rows) {
        const id = await this.mailbox.record(em, {
          recipientId: row.id,
          toAddress: row.email,
          eventKey: event.key,
          kind: event.name,
          severity: event.severity,
          content: event.content,
          hold: row.preferences.deliveryMode === 'digest',
        });
        if (id) recorded++;
      }
      if (rows.length < PAGE) return recorded;
      after = rows[rows.length - 1]!.id;
    }
  }

  private async ensureOperator(em: EntityManager): Promise<void> {
    if (!this.mail.notificationEmail) return;
    await em.execute(
      `insert into notification_recipient (email, verified, verified_at, source, preferences, token_version, created_at, updated_at)
         values (?, true, now(), 'config', ?::jsonb, 1, now(), now())
         on conflict (email) do nothing`,
      [this.mail.notificationEmail.toLowerCase(), JSON.stringify(OPERATOR_PREFERENCES)],
    );
  }
}
