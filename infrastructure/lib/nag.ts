import { type Stack, Validations } from 'aws-cdk-lib';

/** One suppression: the cdk-nag rule, and why it does not apply here (shown in every report). */
interface Suppression {
  readonly id: string;
  readonly reason: string;
}

/**
 * Every cdk-nag AwsSolutions finding this app accepts, with its reason. Anything not listed fails
 * synthesis (infrastructure/synth.ts) and the assertion tests.
 */
export const STACK_SUPPRESSIONS: Readonly<Record<string, readonly Suppression[]>> = {
  registry: [],
  network: [],
  database: [
    {
      id: 'AwsSolutions-RDS3',
      reason:
        'Multi-AZ is the MultiAz template parameter (true by default in production), which cdk-nag cannot evaluate at synthesis.',
    },
    {
      id: 'AwsSolutions-RDS11',
      reason:
        'The default PostgreSQL port: the database sits in isolated subnets behind a security group that admits only the app tasks and the rotation function.',
    },
    {
      id: 'AwsSolutions-IAM4',
      reason:
        'The hosted rotation function (Secrets Manager template) uses AWSLambdaBasicExecutionRole/VPCAccessExecutionRole, the managed policies AWS designed for it.',
    },
    {
      id: 'AwsSolutions-IAM5',
      reason:
        "The hosted rotation function's policy (Secrets Manager template) needs wildcards for its network interfaces and for GetRandomPassword.",
    },
    {
      id: 'AwsSolutions-SMG4',
      reason:
        'False positive: the database secret rotates every 30 days through the hosted rotation schedule declared beside it.',
    },
  ],
  cache: [
    {
      id: 'AwsSolutions-AEC4',
      reason:
        'Multi-AZ and automatic failover follow the CacheNodes template parameter (on when more than one node; 2 by default in production), which cdk-nag cannot evaluate at synthesis.',
    },
    {
      id: 'AwsSolutions-SMG4',
      reason:
        'The Valkey AUTH token is rotated by the rotate-secrets runbook (docs/runbooks.md): ElastiCache needs the ROTATE/SET auth-token strategy, which a Secrets Manager schedule cannot drive.',
    },
    {
      id: 'AwsSolutions-AEC5',
      reason:
        'False positive: the port is 6379 for a replication group in isolated subnets behind a security group admitting the app tasks only; the AUTH token and TLS are required.',
    },
  ],
  service: [
    {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:github-api/*]',
      reason:
        'The migration guide\'s exact policy: GetSecretValue on github-api/* (secret ARNs end in a random suffix, so the name needs a wildcard; scoped to this account and region) and SES send actions, which take no resource narrower than "*" without per-identity ARNs operators configure later.',
    },
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'The task execution roles need ecr:GetAuthorizationToken, which takes no narrower resource; SES send actions likewise (see above).',
    },
    {
      id: 'AwsSolutions-ECS2',
      reason:
        'Only non-secret settings (secret names, hosts, flags) are environment variables; secret values are read by the service from Secrets Manager at run time.',
    },
    {
      id: 'AwsSolutions-ELB2',
      reason:
        "ALB access logs need a region-bound log bucket policy; the templates are region-agnostic. Request logs are the service's own JSON lines in CloudWatch (request id, path, status, latency).",
    },
    {
      id: 'AwsSolutions-EC23',
      reason:
        'The load balancer is the public entry point: it admits the listener port from anywhere and forwards only to the api tasks.',
    },
    {
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry no data beyond alarm names and states; SSE with a customer key adds key-policy work for CloudWatch without protecting anything sensitive.',
    },
  ],
};

export function applySuppressions(stack: Stack, kind: keyof typeof STACK_SUPPRESSIONS): void {
  // cdk-nag's findings are named `<pack>::<rule>` in CDK's validation report.
  for (const { id, reason } of STACK_SUPPRESSIONS[kind] ?? [])
    Validations.of(stack).acknowledge({ id: `AwsSolutions::${id}`, reason });
}
