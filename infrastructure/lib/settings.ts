/**
 * What differs between deployments, and the names every stack and scripts/deploy-aws.sh agree on.
 * Pure data: the committed templates are synthesized from `ENVIRONMENTS`.
 */
export interface InfraSettings {
  /** Deployment name: `production` (the guide's secret names) or another (names carry it). */
  readonly env: string;
  /** CIDR of the VPC this app creates. */
  readonly vpcCidr: string;
  /** NAT gateways (one per AZ for production-grade egress; 1 is cheaper). */
  readonly natGateways: number;
  readonly dbInstanceType: string;
  readonly dbAllocatedStorageGb: number;
  readonly cacheNodeType: string;
  readonly api: { readonly cpu: number; readonly memoryMiB: number; readonly desiredCount: number };
  readonly worker: { readonly cpu: number; readonly memoryMiB: number; readonly desiredCount: number };
  /** An ACM certificate for HTTPS on the load balancer; without one the listener is HTTP on 80. */
  readonly certificateArn?: string;
  /** Where alarms notify (an SNS topic is created; subscribe operators to it). */
  readonly alarmEmail?: string;
}

export const ENVIRONMENTS: Readonly<Record<string, InfraSettings>> = {
  production: {
    env: 'production',
    vpcCidr: '10.40.0.0/16',
    natGateways: 2,
    dbInstanceType: 't4g.medium',
    dbAllocatedStorageGb: 50,
    cacheNodeType: 'cache.t4g.small',
    api: { cpu: 512, memoryMiB: 1024, desiredCount: 2 },
    worker: { cpu: 512, memoryMiB: 1024, desiredCount: 1 },
  },
  staging: {
    env: 'staging',
    vpcCidr: '10.41.0.0/16',
    natGateways: 1,
    dbInstanceType: 't4g.micro',
    dbAllocatedStorageGb: 20,
    cacheNodeType: 'cache.t4g.micro',
    api: { cpu: 256, memoryMiB: 512, desiredCount: 1 },
    worker: { cpu: 256, memoryMiB: 512, desiredCount: 1 },
  },
};

/** `github-api/database` in production (the migration guide's names), `github-api/<env>/database` elsewhere. */
export function secretName(env: string, kind: 'database' | 'redis' | 'github-tokens' | 'ses'): string {
  return env === 'production' ? `github-api/${kind}` : `github-api/${env}/${kind}`;
}

/** CloudFormation stack names, in deployment order (scripts/deploy-aws.sh uses the same). */
export function stackNames(env: string) {
  const prefix = `github-insights-${env}`;
  return {
    registry: `${prefix}-registry`,
    network: `${prefix}-network`,
    database: `${prefix}-database`,
    cache: `${prefix}-cache`,
    service: `${prefix}-service`,
  } as const;
}

export const APP_PORT = 4000;
export const DB_NAME = 'github_insights';
export const DB_USER = 'insights';
export const HEALTH_PATH = '/api/system/health';
