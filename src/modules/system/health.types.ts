import { Authorized, Field, Float, Int, ObjectType, InterfaceType } from 'type-graphql';
import { JSONObjectResolver } from 'graphql-scalars';
import type { ComponentReport, HealthDetails, HealthReport } from '../../core/health';
import { type EnumValue, lowercaseEnum } from '../../graphql/enums';

export const HealthStatus = lowercaseEnum(
  'HealthStatus',
  'State of the service or of one of its components.',
  {
    OK: 'Working normally.',
    DEGRADED: 'Working with reduced capability (a non-essential component is failing).',
    DOWN: 'Not working. For the whole service: a required component is down.',
    DISABLED: 'Not configured on this deployment (components only).',
  },
);
export type HealthStatus = EnumValue<typeof HealthStatus>;

@ObjectType({ description: 'The state of one outside system the service depends on.' })
export class ComponentHealth {
  @Field(() => String, {
    description: 'Component name: database, cache, queue, secrets, github, mail, rateLimits.',
  })
  name!: string;

  @Field(() => HealthStatus, { description: 'The component state.' })
  status!: HealthStatus;

  @Field(() => Boolean, { description: 'Whether the service is down when this component is down.' })
  required!: boolean;

  @Field(() => Float, { description: 'How long the check took, in milliseconds.' })
  latencyMs!: number;

  @Authorized('operator')
  @Field(() => String, {
    nullable: true,
    description: 'Why the component is not ok, when it is not (operator; it can name internal hosts).',
  })
  message?: string;

  @Authorized('operator')
  @Field(() => JSONObjectResolver, {
    nullable: true,
    description: 'Component-specific figures, no secrets (operator; they can name internal hosts).',
  })
  details?: HealthDetails;
}

/** What a health report and a health change share: the instance's status when the checks ran. */
@InterfaceType('InstanceHealth', { description: 'The status of one service instance when its checks ran.' })
export abstract class InstanceHealth {
  @Field(() => HealthStatus, { description: 'OK, DEGRADED (serving with reduced capability) or DOWN.' })
  status!: HealthStatus;

  @Field(() => Date, { description: 'When the checks ran.' })
  checkedAt!: Date;
}

@ObjectType({
  implements: InstanceHealth,
  description: 'Health of this service instance and of everything it depends on.',
})
export class SystemHealth extends InstanceHealth {
  @Field(() => Int, { description: 'Seconds since this instance started.' })
  uptimeSeconds!: number;

  @Field(() => String, { description: 'The running service version.' })
  version!: string;

  @Field(() => [ComponentHealth], { description: 'One entry per component.' })
  components!: ComponentHealth[];
}

export function toSystemHealth(report: HealthReport): SystemHealth {
  return Object.assign(new SystemHealth(), {
    ...report,
    status: report.status as HealthStatus,
    components: report.components.map((c: ComponentReport) =>
      Object.assign(new ComponentHealth(), { ...c, status: c.status as HealthStatus }),
    ),
  });
}

@ObjectType({ description: "One component's change of status." })
export class ComponentStatusChange {
  @Field(() => String, { description: 'Component name (database, cache, queue, ...).' })
  component!: string;

  @Field(() => HealthStatus, { nullable: true, description: 'Status before; null when first seen.' })
  from!: HealthStatus | null;

  @Field(() => HealthStatus, { description: 'Status now.' })
  to!: HealthStatus;

  @Field(() => String, { nullable: true, description: 'Why, when the check said.' })
  message!: string | null;
}

@ObjectType({
  implements: InstanceHealth,
  description: "An api instance's health changed, pushed to systemHealthChanged subscribers.",
})
export class SystemHealthChangedEvent extends InstanceHealth {
  @Field(() => String, { description: 'The instance that saw it (host name and process id).' })
  instance!: string;

  @Field(() => Boolean, {
    description:
      "True when events may have been missed: `status` is then the serving instance's current one and `changes` is empty; query systemHealth.",
  })
  resync!: boolean;

  @Field(() => [ComponentStatusChange], { description: 'The components whose status changed.' })
  changes!: ComponentStatusChange[];
}
