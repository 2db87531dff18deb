import { Arg, Authorized, Ctx, FieldResolver, Int, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import type { ResourceBudgetSnapshot } from '../../platform/github/identity-budget';
import { HarvestJobNode } from '../harvest/harvest.types';
import { CountryHarvestNode, RankingRunNode } from '../rankings/rankings.types';
import { INSTANCE_ID } from '../system/health-watch';
import { HealthStatus } from '../system/health.types';
import type { OperationsService, TokenBudget } from './operations.service';
import {
  ComponentHealthHistoryNode,
  ErrorCodeCountNode,
  GitHubTokenBudgetNode,
  HealthSampleNode,
  OperationsNode,
  QueueFiguresNode,
} from './operations.types';

const date = (iso: string | undefined): Date | null => (iso ? new Date(iso) : null);
const remaining = (b: ResourceBudgetSnapshot | undefined): number | null => (b?.known ? b.remaining : null);

function toBudgetNode(t: TokenBudget): GitHubTokenBudgetNode {
  return Object.assign(new GitHubTokenBudgetNode(), {
    token: t.token,
    valid: t.valid,
    remaining: remaining(t.core),
    limit: t.core?.limit ?? null,
    resetAt: date(t.core?.resetAt),
    graphqlRemaining: remaining(t.graphql),
    graphqlLimit: t.graphql?.limit ?? null,
    graphqlResetAt: date(t.graphql?.resetAt),
    searchRemaining: remaining(t.search),
    restingUntil: date(t.core?.restingUntil),
  });
}

/** `operations`: the operator console's figures (operator or admin keys), one field resolver each. */
@Resolver(() => OperationsNode)
export class OperationsResolver {
  constructor(private readonly service: OperationsService) {}

  @Authorized('operator')
  @Query(() => OperationsNode, {
    description: 'Operators and admins: the figures of the operator console.',
  })
  operations(): OperationsNode {
    return new OperationsNode();
  }

  @FieldResolver(() => String, {
    description:
      'The api instance that answered (host name and process id): `recentErrors`, `healthHistory` and `githubTokens` are its own figures.',
  })
  instance(): string {
    return INSTANCE_ID;
  }

  @FieldResolver(() => [QueueFiguresNode], {
    description: 'One entry per BullMQ queue: its jobs by state (from every process), paused, workers.',
  })
  async queues(): Promise<QueueFiguresNode[]> {
    return (await this.service.queues()).map((q) => Object.assign(new QueueFiguresNode(), q));
  }

  @FieldResolver(() => [GitHubTokenBudgetNode], {
    description:
      "Per configured GitHub token (masked; never its value): validity and budgets as this process's token pool last saw them.",
  })
  githubTokens(): GitHubTokenBudgetNode[] {
    return this.service.githubTokens().map(toBudgetNode);
  }

  @FieldResolver(() => [RankingRunNode], { description: 'The newest ranking runs, newest first.' })
  async rankingRuns(
    @Ctx() { em }: GraphQLContext,
    @Arg('first', () => Int, {
      nullable: true,
      defaultValue: 10,
      description: 'How many: 1-50, 10 by default.',
    })
    first: number | null,
  ): Promise<RankingRunNode[]> {
    return (await this.service.rankingRuns(em, first ?? 10)).map((run) => RankingRunNode.from(run));
  }

  @FieldResolver(() => [HarvestJobNode], {
    description: 'Queued or running developer harvests of any login, newest first, at most 50.',
  })
  async harvests(@Ctx() { em }: GraphQLContext): Promise<HarvestJobNode[]> {
    return (await this.service.harvests(em)).map((state) => HarvestJobNode.from(state));
  }

  @FieldResolver(() => [CountryHarvestNode], {
    description: 'Country harvests not finished yet (queued, running or delayed), newest first, at most 50.',
  })
  countryHarvests(@Ctx() { em }: GraphQLContext): Promise<CountryHarvestNode[]> {
    return this.service.countryHarvests(em);
  }

  @FieldResolver(() => [ErrorCodeCountNode], {
    description:
      'Errors this instance answered (GraphQL and HTTP) by code over the last `minutes`, most first. Per instance; in per-minute buckets, so counts cover whole minutes.',
  })
  recentErrors(
    @Arg('minutes', () => Int, {
      nullable: true,
      defaultValue: 60,
      description: 'The window: 1-60 minutes, 60 by default.',
    })
    minutes: number | null,
  ): ErrorCodeCountNode[] {
    return this.service.recentErrors(minutes ?? 60).map((e) => Object.assign(new ErrorCodeCountNode(), e));
  }

  @FieldResolver(() => [ComponentHealthHistoryNode], {
    description:
      "This api instance's health checks over the last `minutes`, per component (the health watch's rounds, every HEALTH_WATCH_INTERVAL_MS). Per instance; at most 240 samples per component.",
  })
  healthHistory(
    @Arg('minutes', () => Int, {
      nullable: true,
      defaultValue: 60,
      description: 'The window: 1-60 minutes, 60 by default.',
    })
    minutes: number | null,
  ): ComponentHealthHistoryNode[] {
    return this.service.healthHistory(minutes ?? 60).map((h) =>
      Object.assign(new ComponentHealthHistoryNode(), {
        component: h.component,
        samples: h.samples.map((s) =>
          Object.assign(new HealthSampleNode(), { ...s, status: s.status as HealthStatus }),
        ),
      }),
    );
  }
}
