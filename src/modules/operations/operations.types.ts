import { Field, Int, ObjectType } from 'type-graphql';
import { HealthStatus } from '../system/health.types';

/** The root of the operator console's figures; each field is read only when asked for. */
@ObjectType('Operations', {
  description:
    'What the operator console shows (operator or admin keys): queues, GitHub budgets, ranking runs, harvests, recent errors and health history. Never cached; each field is read when asked for.',
})
export class OperationsNode {}

@ObjectType('QueueFigures', { description: 'The jobs of one BullMQ queue, by state (every process).' })
export class QueueFiguresNode {
  @Field(() => String, { description: 'Queue name (harvest, rankings, country-harvest, ...).' })
  name!: string;

  @Field(() => Int, { description: 'Jobs waiting for a worker (prioritized ones included).' })
  waiting!: number;

  @Field(() => Int, { description: 'Jobs a worker is running now.' })
  active!: number;

  @Field(() => Int, { description: 'Jobs waiting for a later time (retries, rate-limit waits).' })
  delayed!: number;

  @Field(() => Int, { description: 'Failed jobs the queue still keeps.' })
  failed!: number;

  @Field(() => Int, { description: 'Completed jobs the queue still keeps (it trims its history).' })
  completed!: number;

  @Field(() => Boolean, { description: 'Paused by an operator: workers take no job meanwhile.' })
  paused!: boolean;

  @Field(() => Int, { description: 'Worker connections on the queue now, over every process.' })
  workers!: number;
}

@ObjectType('GitHubTokenBudget', {
  description:
    "One GitHub token's rate-limit budgets as this process's token pool last saw them from GitHub's answers. The token is masked; its value never leaves the server.",
})
export class GitHubTokenBudgetNode {
  @Field(() => String, {
    description:
      'The token, masked as /metrics and health mask it: its type prefix and 8 hex digits of its SHA-256 (ghp_…3f9a2c1d); `unauthenticated` when no token is configured.',
  })
  token!: string;

  @Field(() => Boolean, { description: 'False once GitHub rejected the token (401).' })
  valid!: boolean;

  @Field(() => Int, {
    nullable: true,
    description: 'REST core requests left in the window; null when unknown.',
  })
  remaining!: number | null;

  @Field(() => Int, { nullable: true, description: 'REST core requests per window; null when unknown.' })
  limit!: number | null;

  @Field(() => Date, { nullable: true, description: 'When the REST core window resets; null when unknown.' })
  resetAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'GraphQL points left in the window; null when unknown.' })
  graphqlRemaining!: number | null;

  @Field(() => Int, { nullable: true, description: 'GraphQL points per window; null when unknown.' })
  graphqlLimit!: number | null;

  @Field(() => Date, { nullable: true, description: 'When the GraphQL window resets; null when unknown.' })
  graphqlResetAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'Search requests left in the window; null when unknown.' })
  searchRemaining!: number | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Until when the pool rests the token on REST core (out of budget or a secondary limit).',
  })
  restingUntil!: Date | null;
}

@ObjectType('ErrorCodeCount', { description: 'Errors this instance answered with one code.' })
export class ErrorCodeCountNode {
  @Field(() => String, { description: 'The error code (extensions.code), e.g. BAD_USER_INPUT.' })
  code!: string;

  @Field(() => Int, { description: 'How many were answered in the window.' })
  count!: number;

  @Field(() => Date, { description: 'When the last one was answered.' })
  lastSeenAt!: Date;
}

@ObjectType('HealthSample', { description: "One health check round's result for one component." })
export class HealthSampleNode {
  @Field(() => Date, { description: 'When the round checked.' })
  at!: Date;

  @Field(() => HealthStatus, { description: 'The component state then.' })
  status!: HealthStatus;

  @Field(() => String, { nullable: true, description: 'Why it was not ok, when it was not.' })
  detail!: string | null;
}

@ObjectType('ComponentHealthHistory', {
  description: "One component's health over time, as this api instance's health watch checked it.",
})
export class ComponentHealthHistoryNode {
  @Field(() => String, { description: 'Component name: database, cache, queue, github, ...' })
  component!: string;

  @Field(() => [HealthSampleNode], { description: 'Samples, oldest first.' })
  samples!: HealthSampleNode[];
}
