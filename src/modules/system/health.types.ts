import { Authorized, Field, Float, Int, ObjectType } from 'type-graphql';
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

@ObjectType({ description: 'Health of this service instance and of everything it depends on.' })
export class SystemHealth {
  @Field(() => HealthStatus, { description: 'OK, DEGRADED (serving with reduced capability) or DOWN.' })
  status!: HealthStatus;

  @Field(() => Date, { description: 'When the checks ran.' })
  checkedAt!: Date;

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
