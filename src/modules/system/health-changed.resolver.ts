import { Authorized, Ctx, Resolver, Root, Subscription } from 'type-graphql';
import { isResync, type ResyncMarker, type SystemHealthChangedPayload, TOPICS } from '../../core/topics';
import { requireOperator } from '../../graphql/auth-checker';
import type { GraphQLContext } from '../../graphql/context';
import { INSTANCE_ID } from './health-watch';
import type { HealthService } from './health.service';
import { ComponentStatusChange, HealthStatus, SystemHealthChangedEvent } from './health.types';

@Resolver()
export class HealthChangedResolver {
  constructor(private readonly health: HealthService) {}

  @Authorized('operator')
  @Subscription(() => SystemHealthChangedEvent, {
    topics: ({ context }) => {
      requireOperator((context as GraphQLContext).viewer);
      return TOPICS.SYSTEM_HEALTH_CHANGED;
    },
    description:
      'A health component of an api instance changed status (operators). Each api instance checks itself every HEALTH_WATCH_INTERVAL_MS.',
  })
  async systemHealthChanged(
    @Root() event: SystemHealthChangedPayload | ResyncMarker,
    @Ctx() _context: GraphQLContext,
  ): Promise<SystemHealthChangedEvent> {
    if (isResync(event)) {
      const report = await this.health.report();
      return Object.assign(new SystemHealthChangedEvent(), {
        instance: INSTANCE_ID,
        resync: true,
        status: report.status as HealthStatus,
        checkedAt: report.checkedAt,
        changes: [],
      });
    }
    return Object.assign(new SystemHealthChangedEvent(), {
      ...event,
      resync: false,
      status: event.status as HealthStatus,
      checkedAt: new Date(event.checkedAt),
      changes: event.changes.map((c) =>
        Object.assign(new ComponentStatusChange(), {
          ...c,
          from: c.from as HealthStatus | null,
          to: c.to as HealthStatus,
        }),
      ),
    });
  }
}
