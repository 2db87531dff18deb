import { IsString } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { isFinished } from './harvest-progress';
import type { HarvestState } from './harvest-requests';
import type { HarvestStartRefusedError } from './harvest-starts';
import { type EnumValue, lowercaseEnum } from '../../graphql/enums';

export const HarvestStatusEnum = lowercaseEnum(
  'HarvestStatus',
  'Where a harvest (collecting a developer from GitHub) stands.',
  {
    QUEUED: 'Waiting for a worker.',
    RUNNING: 'Being collected; see `progress` and `stage`.',
    COMPLETED: 'Collected and stored.',
    FAILED: 'Gave up after its attempts; see `error`. Nothing was half-written.',
    NOT_FOUND: 'GitHub has no such login.',
    ORGANIZATION:
      'The login is an organization on GitHub (developers only are harvested); nothing was stored or retried.',
  },
);
export type HarvestStatusEnum = EnumValue<typeof HarvestStatusEnum>;

export const HarvestTriggerEnum = lowercaseEnum('HarvestTrigger', 'Why a harvest was asked for.', {
  AUTO: 'The developer was unknown or stale when read.',
  MANUAL: 'Asked for with refreshUser.',
  COUNTRY: 'Part of a country harvest.',
  IMPORT: 'Part of an import from the old service.',
  WEBHOOK: 'A GitHub webhook said something changed that its payload does not carry.',
});
export type HarvestTriggerEnum = EnumValue<typeof HarvestTriggerEnum>;

@ObjectType('HarvestJob', { description: 'A harvest of one developer from GitHub.' })
export class HarvestJobNode {
  @Field(() => ID, { description: 'Job id, for harvestJob(id:) and subscriptions.' })
  id!: string;

  @Field(() => String, { description: 'The login being harvested.' })
  login!: string;

  @Field(() => HarvestStatusEnum, { description: 'Where the harvest stands.' })
  status!: HarvestStatusEnum;

  @Field(() => HarvestTriggerEnum, { description: 'Why it was asked for.' })
  trigger!: HarvestTriggerEnum;

  @Field(() => Int, { description: 'Progress, 0-100.' })
  progress!: number;

  @Field(() => String, {
    nullable: true,
    description: 'What it is doing now (profile, repositories, activity, saving).',
  })
  stage!: string | null;

  @Field(() => Int, { description: 'Attempts made so far (at most HARVEST_ATTEMPTS, 3 by default).' })
  attempts!: number;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed, when it did.' })
  error!: string | null;

  @Field(() => Date, { description: 'When it was asked for.' })
  enqueuedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When a worker started it.' })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it completed or failed.' })
  finishedAt!: Date | null;

  static from(state: HarvestState): HarvestJobNode {
    return Object.assign(new HarvestJobNode(), {
      ...state,
      id: state.jobId,
      status: state.status as HarvestStatusEnum,
      trigger: state.trigger as HarvestTriggerEnum,
    });
  }
}

@ObjectType({
  description:
    'A harvest that was not started: the caller has started as many new harvests as it may per window (HARVEST_STARTS_*; anonymous callers per client address, API keys by role). Nothing is queued; ask again at `retryAt`.',
})
export class HarvestRefusal {
  @Field(() => String, { description: 'Why, for people: the budget and when to ask again.' })
  message!: string;

  @Field(() => Int, { description: 'Seconds until asking again can start a harvest (at least 1).' })
  retryAfterSeconds!: number;

  @Field(() => Date, { description: 'When asking again can start a harvest.' })
  retryAt!: Date;

  static from(error: HarvestStartRefusedError): HarvestRefusal {
    return Object.assign(new HarvestRefusal(), {
      message: error.message,
      retryAfterSeconds: error.retryAfterSeconds,
      retryAt: error.retryAt,
    });
  }
}

@InputType({ description: 'The developer to harvest now.' })
export class RefreshUserInput {
  @IsString() // the service checks the login's form (BAD_USER_INPUT naming the rule)
  @Field(() => String, { description: 'GitHub login (1-39 letters, digits or single hyphens).' })
  login!: string;
}

@ObjectType({ description: 'The harvest refreshUser asked for (or joined).' })
export class RefreshUserPayload {
  @Field(() => HarvestJobNode, {
    description:
      'The harvest: a new one, the one already queued or running for the login, or its latest within REFRESH_USER_MIN_INTERVAL_MS.',
  })
  harvest!: HarvestJobNode;
}

@ObjectType({ description: "A change of a developer's harvest, pushed to harvestProgress subscribers." })
export class HarvestProgressEvent {
  @Field(() => String, {
    description:
      "The login subscribed to (harvestActivity: the harvest's login; empty on its resync events).",
  })
  login!: string;

  @Field(() => Boolean, {
    description:
      'True when events may have been missed (the server lost its pub/sub link, or the client fell behind): `harvest` is then re-read and current.',
  })
  resync!: boolean;

  @Field(() => Boolean, { description: 'The harvest is over: completed, failed or not found.' })
  finished!: boolean;

  @Field(() => HarvestJobNode, {
    nullable: true,
    description:
      'The harvest: status, progress (percent), stage, error. Null on a resync when none was ever asked.',
  })
  harvest!: HarvestJobNode | null;

  /** The event for `login` showing `state` (null: no harvest known, on a resync). */
  static of(login: string, resync: boolean, state: HarvestState | null): HarvestProgressEvent {
    return Object.assign(new HarvestProgressEvent(), {
      login,
      resync,
      finished: state ? isFinished(state.status) : false,
      harvest: state ? HarvestJobNode.from(state) : null,
    });
  }
}
