import type { Viewer } from '../../core/viewer';
import type { SignupLimit } from './signup-limit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../../core/errors';
import { NotificationRecipient } from './notification-recipient.entity';
import type { NotificationMailbox } from './notification-mailbox';
import {
  applyPreferences,
  DEFAULT_PREFERENCES,
  normalizeEmail,
  type PreferencesChange,
} from './notification-preferences';
import type { NotificationTokens } from './notification-tokens';
import type { EmailContent } from './notification-email.entity';

/** Who asks: a settings token (from an e-mail), and whether the API key is an operator's. */
export interface SettingsAccess {
  readonly token?: string | null;
  /** Operators name the address instead of a token; anyone may name a new one to sign up. */
  readonly email?: string | null;
  readonly operator: boolean;
  /** Who asks: sign-ups are budgeted per caller (SignupLimit). */
  readonly caller: Viewer;
}

export interface SettingsUpdate {
  readonly recipient: NotificationRecipient;
  readonly verificationSent: boolean;
}

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/**
 * Reading and changing notification settings, and who may (docs/notifications.md):
 * - a `manage` token (the link of the verification e-mail and of every settings link) reads and
 *   changes its recipient's settings; using it verifies the address (it was only ever sent there);
 * - an operator key reads and changes any address's settings by `email`;
 * - anyone may sign a NEW address up: its settings are stored, unverified, and only the
 *   verification e-mail goes to it until its link is used (double opt-in). Naming an address that
 *   exists without its token is FORBIDDEN (a new link is e-mailed to it while it is unverified).
 */
export class NotificationSettingsService {
  constructor(
    private readonly options: {
      readonly tokens: NotificationTokens;
      readonly mailbox: NotificationMailbox;
      readonly publicUrl: string;
      readonly maxWatched: number;
      readonly signups: SignupLimit;
      readonly now?: () => Date;
    },
  ) {}

  /** The recipient the caller may see (null: an operator named an address nobody signed up). */
  async find(em: EntityManager, access: SettingsAccess): Promise<NotificationRecipient | null> {
    if (access.token) return this.byToken(em, access.token);
    if (access.operator && access.email)
      return em.findOne(NotificationRecipient, { email: normalizeEmail(access.email) });
    throw new DomainError(
      'FORBIDDEN',
      'give the token from your notification e-mail (or use an operator key)',
    );
  }

  async update(
    em: EntityManager,
    access: SettingsAccess,
    change: PreferencesChange,
  ): Promise<SettingsUpdate> {
    const limits = { maxWatched: this.options.maxWatched, operator: access.operator };
    if (!access.token && !access.email) this.refuseAnonymous();
    if (!access.token && !access.operator) {
      await this.options.signups.admit(access.caller);
      await this.refuseKnownAddress(em, access.email!);
    }
    return em.transactional(async (tx) => {
      const existing = access.token
        ? await this.byToken(tx, access.token)
        : await tx.findOne(NotificationRecipient, { email: normalizeEmail(access.email!) });
      const recipient = existing ?? new NotificationRecipient();
      recipient.preferences = applyPreferences(recipient.preferences ?? DEFAULT_PREFERENCES, change, limits);
      if (change.enabled === true) recipient.unsubscribedAt = null;
      if (!existing) {
        recipient.email = normalizeEmail(access.email!);
        tx.persist(recipient);
        await tx.flush();
      }
      const verificationSent = recipient.verified ? false : await this.sendVerification(tx, recipient);
      await tx.flush();
      return { recipient, verificationSent };
    });
  }

  /** Signing up an address that exists is refused; an unverified one gets a new link (nothing else changes). */
  private async refuseKnownAddress(em: EntityManager, email: string): Promise<void> {
    const address = normalizeEmail(email);
    const sent = await em.transactional(async (tx) => {
      const existing = await tx.findOne(NotificationRecipient, { email: address });
      if (!existing) return undefined;
      return existing.verified ? false : this.sendVerification(tx, existing);
    });
    if (sent === undefined) return;
    throw new DomainError(
      'FORBIDDEN',
      `this address already has settings: use the link e-mailed to it${sent ? ' (a new one was sent)' : ''}`,
    );
  }

  /** Queues a test e-mail to a verified address (at most one a minute). */
  async sendTest(em: EntityManager, access: SettingsAccess): Promise<boolean> {
    return em.transactional(async (tx) => {
      const recipient = await this.find(tx, access);
      if (!recipient) throw new DomainError('NOT_FOUND', 'no notification settings for this address');
      if (!recipient.verified)
        throw new DomainError(
          'BAD_USER_INPUT',
          'the address is not verified yet: use the link of the verification e-mail',
        );
      const minute = Math.floor(this.now().getTime() / MINUTE_MS);
      const id = await this.options.mailbox.record(tx, {
        recipientId: recipient.id,
        toAddress: recipient.email,
        eventKey: `test:${minute}`,
        kind: 'TEST',
        severity: 'info',
        content: {
          title: 'Test notification',
          lines: ['This is a test e-mail: your notifications reach you.'],
        },
      });
      await tx.flush();
      return id !== null;
    });
  }

  /** Turns every e-mail off for the recipient of an `unsubscribe` (or `manage`) token. */
  async unsubscribe(em: EntityManager, token: string): Promise<NotificationRecipient> {
    const claim = this.options.tokens.verify(token, ['unsubscribe', 'manage']);
    return em.transactional(async (tx) => {
      const recipient = await tx.findOne(NotificationRecipient, { id: claim.recipientId });
      if (!recipient || recipient.tokenVersion !== claim.version)
        throw new DomainError('FORBIDDEN', 'the notification token is invalid or has expired');
      recipient.preferences = { ...recipient.preferences, enabled: false };
      recipient.unsubscribedAt ??= this.now();
      await tx.flush();
      return recipient;
    });
  }

  /** A settings link for the recipient (what e-mails point to). */
  manageUrl(recipient: NotificationRecipient): string {
    const token = this.options.tokens.sign('manage', {
      recipientId: recipient.id,
      version: recipient.tokenVersion,
    });
    return `${this.options.publicUrl}/notifications/verify?token=${encodeURIComponent(token)}`;
  }

  /** The recipient of a `manage` token, verified by this use of it (FORBIDDEN when invalid). */
  async byToken(em: EntityManager, token: string): Promise<NotificationRecipient> {
    const claim = this.options.tokens.verify(token, ['manage']);
    const recipient = await em.findOne(NotificationRecipient, { id: claim.recipientId });
    if (!recipient || recipient.tokenVersion !== claim.version)
      throw new DomainError('FORBIDDEN', 'the notification token is invalid or has expired');
    if (!recipient.verified) {
      recipient.verified = true;
      recipient.verifiedAt = this.now();
      await em.flush();
    }
    return recipient;
  }

  /** The verification e-mail (one an hour per address at most); true when one was queued. */
  private async sendVerification(em: EntityManager, recipient: NotificationRecipient): Promise<boolean> {
    const hour = Math.floor(this.now().getTime() / HOUR_MS);
    const content: EmailContent = {
      title: 'Confirm your notification e-mails',
      lines: [
        `Someone (hopefully you) asked for GitHub Insights notifications at ${recipient.email}.`,
        'Nothing else is sent to this address until you confirm. If it was not you, ignore this e-mail.',
      ],
      action: { label: 'Confirm and manage settings', url: this.manageUrl(recipient) },
    };
    const id = await this.options.mailbox.record(em, {
      recipientId: recipient.id,
      toAddress: recipient.email,
      eventKey: `verify:${recipient.tokenVersion}:${hour}`,
      kind: 'VERIFICATION',
      severity: 'info',
      content,
    });
    return id !== null;
  }

  private refuseAnonymous(): never {
    throw new DomainError(
      'BAD_USER_INPUT',
      'give the token from your notification e-mail, or an email to sign up',
      {
        argument: 'email',
      },
    );
  }

  private now(): Date {
    return (this.options.now ?? (() => new Date()))();
  }
}
