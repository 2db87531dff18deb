import { Query, Resolver } from 'type-graphql';
import type { HealthService } from './health.service';
import { SystemHealth, toSystemHealth } from './health.types';

@Resolver()
export class SystemResolver {
  constructor(private readonly health: HealthService) {}

  @Query(() => SystemHealth, {
    description: 'Health of this instance and its components; the same data as GET /api/system/health.',
  })
  async systemHealth(): Promise<SystemHealth> {
    return toSystemHealth(await this.health.report());
  }
}
