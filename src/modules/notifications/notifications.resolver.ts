import { Arg, Authorized, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { DomainError } from '../../core/errors';
import { deliveryFigures } from './mail-health';
import { hasRole } from '../../core/viewer';
import type { GraphQLContext } from '../../graphql/context';
import type { NotificationRecipient } from './notification-recipient.entity';
import type { NotificationSettingsService, SettingsAccess } from './notification-settings.service';
import {
  NotificationAccessInput,
  NotificationDeliveryFigures,
  NotificationSettings,
  SendTestNotificationPayload,
  UnsubscribeInput,
  UnsubscribePayload,
  UpdateNotificationSettingsInput,
  UpdateNotificationSettingsPayload,
} from './notifications.types';

function access(viewer: GraphQLContext['viewer'], input: NotificationAccessInput): SettingsAccess {
  return { token: input.token, email: input.email, operator: hasRole(viewer, 'operator'), caller: viewer };
}

export function toSettings(recipient: NotificationRecipient): NotificationSettings {
  const p = recipient.preferences;
  return Object.assign(new NotificationSettings(), {
    ...p,
    events: [...p.events],
    watchedLogins: [...p.watchedLogins],
    email: recipient.email,
    verified: recipient.verified,
    unsubscribedAt: recipient.unsubscribedAt,
  });
}

/** Notification settings; who may see and change what is decided by the service (docs/notifications.md). */
@Resolver()
export class NotificationsResolver {
  constructor(private readonly settings: NotificationSettingsService) {}

  @Query(() => NotificationSettings, {
    nullable: true,
    description:
      "An address's notification settings: give the token of a notification e-mail (using it confirms the address), or as an operator the address (null when it has none).",
  })
  async notificationSettings(
    @Ctx() { em, viewer }: GraphQLContext,
    @Arg('input', () => NotificationAccessInput) input: NotificationAccessInput,
  ): Promise<NotificationSettings | null> {
    const recipient = await this.settings.find(em, access(viewer, input));
    return recipient && toSettings(recipient);
  }

  @Authorized('operator')
  @Query(() => NotificationDeliveryFigures, {
    description: 'Notification e-mails by outcome over the last `hours` (operators).',
  })
  async notificationDelivery(
    @Ctx() { em }: GraphQLContext,
    @Arg('hours', () => Int, { nullable: true, description: 'Hours back from now: 1-720, 24 by default.' })
    hours: number | null,
  ): Promise<NotificationDeliveryFigures> {
    const period = hours ?? 24;
    if (!Number.isInteger(period) || period < 1 || period > 720)
      throw new DomainError('BAD_USER_INPUT', 'hours must be an integer from 1 to 720', {
        argument: 'hours',
      });
    return Object.assign(new NotificationDeliveryFigures(), {
      hours: period,
      ...(await deliveryFigures(em, period)),
    });
  }

  @Mutation(() => UpdateNotificationSettingsPayload, {
    description:
      'Changes notification settings (token or operator), or signs a new address up (email, unverified: only a verification e-mail goes to it until its link is used).',
  })
  async updateNotificationSettings(
    @Ctx() { em, viewer }: GraphQLContext,
    @Arg('input', () => UpdateNotificationSettingsInput) input: UpdateNotificationSettingsInput,
  ): Promise<UpdateNotificationSettingsPayload> {
    const { token, email, ...change } = input;
    const result = await this.settings.update(em, access(viewer, { token, email }), change);
    return Object.assign(new UpdateNotificationSettingsPayload(), {
      settings: toSettings(result.recipient),
      verificationSent: result.verificationSent,
    });
  }

  @Mutation(() => SendTestNotificationPayload, { description: 'Queues a test e-mail to a verified address.' })
  async sendTestNotification(
    @Ctx() { em, viewer }: GraphQLContext,
    @Arg('input', () => NotificationAccessInput) input: NotificationAccessInput,
  ): Promise<SendTestNotificationPayload> {
    const queued = await this.settings.sendTest(em, access(viewer, input));
    return Object.assign(new SendTestNotificationPayload(), { queued });
  }

  @Mutation(() => UnsubscribePayload, {
    description: 'Turns every notification e-mail off for the address of an unsubscribe (or settings) token.',
  })
  async unsubscribe(
    @Ctx() { em }: GraphQLContext,
    @Arg('input', () => UnsubscribeInput) input: UnsubscribeInput,
  ): Promise<UnsubscribePayload> {
    const recipient = await this.settings.unsubscribe(em, input.token);
    return Object.assign(new UnsubscribePayload(), { email: recipient.email });
  }
}
