import { IsOptional, IsString, MaxLength } from 'class-validator';
import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { graphqlEnum, lowercaseEnum } from '../../graphql/enums';
import type { DeliveryMode, NotificationEventName } from './notification-preferences';

export const NotificationEventEnum = graphqlEnum(
  'NotificationEvent',
  'What a notification e-mail can be about.',
  {
    HARVEST_FINISHED: "A watched developer's harvest finished.",
    HARVEST_FAILED: "A watched developer's harvest failed.",
    RANK_CHANGED: "A watched developer's rank moved by at least `rankChangeThreshold` places.",
    NEW_TROPHY: 'A watched developer earned a new trophy or achievement.',
    FOLLOWER_MILESTONE: 'A watched developer passed a follower milestone.',
    STAR_MILESTONE: "A watched developer's repositories passed a star milestone.",
    TOKEN_BUDGET_LOW: 'Operators: the GitHub token budget left fell below `tokenBudgetPercent`.',
    COMPONENT_DOWN: 'Operators: a health component went down (one e-mail per outage).',
    COMPONENT_RECOVERED: 'Operators: a component that was down recovered.',
    SERVICE_STARTED: 'Operators: a service process started.',
    STARTUP_FAILED: 'Operators: a service process failed to start.',
    SHUTTING_DOWN: 'Operators: a service process is shutting down.',
  },
);

export const DeliveryModeEnum = lowercaseEnum(
  'NotificationDeliveryMode',
  'When notification e-mails go out.',
  {
    IMMEDIATE: 'One e-mail per event, as it happens.',
    DIGEST: 'One e-mail a day at `digestHour` in `timeZone`, batching the events since the last one.',
  },
);

@ObjectType({ description: "One address's notification settings." })
export class NotificationSettings {
  @Field(() => String, { description: 'The address (lower case).' })
  email!: string;

  @Field(() => Boolean, {
    description:
      'Whether the address is confirmed (its link was used): until then only the verification e-mail goes to it.',
  })
  verified!: boolean;

  @Field(() => Boolean, { description: 'The global switch: false sends nothing (unsubscribed).' })
  enabled!: boolean;

  @Field(() => [NotificationEventEnum], { description: 'The events that make an e-mail.' })
  events!: NotificationEventName[];

  @Field(() => [String], {
    description: 'Logins whose events are sent (bounded by NOTIFICATION_MAX_WATCHED).',
  })
  watchedLogins!: string[];

  @Field(() => Int, { description: 'RANK_CHANGED: the smallest move, in places, that is sent.' })
  rankChangeThreshold!: number;

  @Field(() => Int, {
    description: 'TOKEN_BUDGET_LOW: the percentage of the GitHub budget below which it is sent.',
  })
  tokenBudgetPercent!: number;

  @Field(() => DeliveryModeEnum, { description: 'Immediate e-mails or a daily digest.' })
  deliveryMode!: DeliveryMode;

  @Field(() => Int, { description: 'Digest: the local hour (0-23) it goes out.' })
  digestHour!: number;

  @Field(() => String, { description: 'Digest: the IANA time zone of `digestHour`.' })
  timeZone!: string;

  @Field(() => Date, { nullable: true, description: 'When the address unsubscribed (null: it did not).' })
  unsubscribedAt!: Date | null;
}

@InputType({
  description: 'Who asks for settings: the token of a notification e-mail, or (operators) an address.',
})
export class NotificationAccessInput {
  @IsOptional()
  @IsString()
  @MaxLength(512)
  @Field(() => String, {
    nullable: true,
    description: 'The token of the settings link of a notification e-mail.',
  })
  token?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(254)
  @Field(() => String, { nullable: true, description: 'Operators: the address whose settings to act on.' })
  email?: string | null;
}

@InputType({
  description:
    'Settings to change (omitted fields keep their value). Without a token, `email` signs a new address up (a verification e-mail is sent); operators may name any address.',
})
export class UpdateNotificationSettingsInput extends NotificationAccessInput {
  @Field(() => Boolean, { nullable: true, description: 'The global switch.' })
  enabled?: boolean | null;

  @Field(() => [NotificationEventEnum], {
    nullable: true,
    description: 'The events wanted (operator events: operators only).',
  })
  events?: NotificationEventName[] | null;

  @Field(() => [String], { nullable: true, description: 'GitHub logins to watch (replaces the list).' })
  watchedLogins?: string[] | null;

  @Field(() => Int, { nullable: true, description: 'RANK_CHANGED threshold, 1-100000 places.' })
  rankChangeThreshold?: number | null;

  @Field(() => Int, { nullable: true, description: 'TOKEN_BUDGET_LOW threshold, 1-99 percent.' })
  tokenBudgetPercent?: number | null;

  @Field(() => DeliveryModeEnum, { nullable: true, description: 'Immediate or digest.' })
  deliveryMode?: DeliveryMode | null;

  @Field(() => Int, { nullable: true, description: 'Digest hour, 0-23.' })
  digestHour?: number | null;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Field(() => String, { nullable: true, description: 'IANA time zone (Europe/Berlin).' })
  timeZone?: string | null;
}

@ObjectType({ description: 'What updateNotificationSettings stored.' })
export class UpdateNotificationSettingsPayload {
  @Field(() => NotificationSettings, { description: 'The settings now.' })
  settings!: NotificationSettings;

  @Field(() => Boolean, {
    description: 'Whether a verification e-mail was queued (unverified addresses, at most one an hour).',
  })
  verificationSent!: boolean;
}

@ObjectType({ description: 'What sendTestNotification did.' })
export class SendTestNotificationPayload {
  @Field(() => Boolean, {
    description: 'Whether a test e-mail was queued (at most one a minute per address).',
  })
  queued!: boolean;
}

@InputType({ description: 'The token of the unsubscribe (or settings) link of a notification e-mail.' })
export class UnsubscribeInput {
  @IsString()
  @MaxLength(512)
  @Field(() => String, { description: 'The token.' })
  token!: string;
}

@ObjectType({ description: 'The address unsubscribe turned off.' })
export class UnsubscribePayload {
  @Field(() => String, {
    description: 'The address: nothing more is sent to it until it turns notifications on again.',
  })
  email!: string;
}

@ObjectType({
  description:
    'Notification e-mails by outcome over a period (operators; also in the `mail` health component).',
})
export class NotificationDeliveryFigures {
  @Field(() => Int, { description: 'The period, in hours back from now.' })
  hours!: number;

  @Field(() => Int, { description: 'Accepted by SES.' })
  sent!: number;

  @Field(() => Int, {
    description: 'Refused by SES, out of attempts, or interrupted mid-send (not sent again).',
  })
  failed!: number;

  @Field(() => Int, { description: 'Sent, then reported as a hard bounce.' })
  bounced!: number;

  @Field(() => Int, { description: 'Sent, then reported as a complaint.' })
  complained!: number;

  @Field(() => Int, { description: 'Not sent: suppressed, unsubscribed or unverified address.' })
  skipped!: number;

  @Field(() => Int, { description: 'Queued, being sent, or held for a digest.' })
  waiting!: number;
}
