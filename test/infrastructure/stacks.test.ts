import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infrastructure/app';
import { STACK_SUPPRESSIONS } from '../../infrastructure/lib/nag';
import { ENVIRONMENTS, stackNames } from '../../infrastructure/lib/settings';

/**
 * The security-relevant properties of the synthesized templates (aws-cdk-lib/assertions), on the
 * production settings. Synthesis itself runs cdk-nag's AwsSolutions checks and throws on any
 * finding without a written suppression.
 */
const names = stackNames('production');
let outdir: string;
const templates: Record<keyof typeof names, Template> = {} as never;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'insights-cdk-test-'));
  const app = buildApp({ outdir, environments: [ENVIRONMENTS.production!] });
  app.synth(); // throws when cdk-nag reports an unacknowledged finding
  for (const [kind, name] of Object.entries(names))
    templates[kind as keyof typeof names] = Template.fromStack(app.node.findChild(name) as Stack);
}, 120_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('database stack', () => {
  it('runs PostgreSQL 16 encrypted, Multi-AZ by parameter, 7-day backups, deletion protection', () => {
    const t = templates.database;
    t.hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'postgres',
      EngineVersion: Match.stringLikeRegexp('^16'),
      StorageEncrypted: true,
      BackupRetentionPeriod: 7,
      DeletionProtection: true,
      PubliclyAccessible: false,
      MultiAZ: { 'Fn::If': ['IsMultiAz', true, false] },
    });
    t.hasParameter('MultiAz', { AllowedValues: ['true', 'false'], Default: 'true' });
    t.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Snapshot' });
  });

  it('requires TLS through its parameter group', () => {
    templates.database.hasResourceProperties('AWS::RDS::DBParameterGroup', {
      Family: 'postgres16',
      Parameters: { 'rds.force_ssl': '1' },
    });
  });

  it('keeps its password in github-api/database, rotated by Secrets Manager', () => {
    const t = templates.database;
    t.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'github-api/database',
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'password' }),
    });
    t.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
      HostedRotationLambda: Match.objectLike({ RotationType: 'PostgreSQLSingleUser' }),
    });
  });

  it('admits only the app tasks and the rotation function on 5432', () => {
    const ingress = templates.database.findResources('AWS::EC2::SecurityGroupIngress');
    const rules = Object.values(ingress).map((r) => r.Properties as Record<string, unknown>);
    expect(rules).toHaveLength(2);
    for (const rule of rules) {
      expect(rule).toMatchObject({ FromPort: 5432, ToPort: 5432, IpProtocol: 'tcp' });
      expect(rule.CidrIp).toBeUndefined();
    }
  });
});

describe('cache stack', () => {
  it('runs Valkey with TLS, encryption at rest, an AUTH token, failover when more than one node', () => {
    const t = templates.cache;
    t.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'valkey',
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
      AtRestEncryptionEnabled: true,
      AuthToken: Match.anyValue(),
      AutomaticFailoverEnabled: { 'Fn::If': ['HasReplicas', true, false] },
      MultiAZEnabled: { 'Fn::If': ['HasReplicas', true, false] },
    });
    t.hasCondition('HasReplicas', { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'CacheNodes' }, '1'] }] });
    t.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'github-api/redis',
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'password', ExcludePunctuation: true }),
    });
    // The token is a dynamic reference into the secret, never a literal in the template.
    const group = Object.values(t.findResources('AWS::ElastiCache::ReplicationGroup'))[0]!;
    expect(JSON.stringify(group.Properties.AuthToken)).toMatch(/resolve:secretsmanager/);
  });
});

describe('service stack', () => {
  it('gives the task role exactly the migration guide permissions', () => {
    const t = templates.service;
    const roles = t.findResources('AWS::IAM::Role', {
      Properties: { Description: Match.stringLikeRegexp('read github-api') },
    });
    const role = Object.values(roles)[0]!;
    const statements = role.Properties.Policies.flatMap(
      (p: { PolicyDocument: { Statement: unknown[] } }) => p.PolicyDocument.Statement,
    );
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatchObject({ Action: 'secretsmanager:GetSecretValue', Effect: 'Allow' });
    expect(JSON.stringify(statements[0].Resource)).toContain(':secret:github-api/*');
    expect(statements[1]).toMatchObject({ Action: ['ses:SendEmail', 'ses:SendRawEmail'], Resource: '*' });
    // No managed policies and no other policy attached to it.
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const attached = Object.values(t.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(Object.keys(roles)[0]!),
    );
    expect(attached).toHaveLength(0);
  });

  it('runs api and worker on Fargate in private subnets, api behind the ALB with the health path', () => {
    const t = templates.service;
    t.resourceCountIs('AWS::ECS::Service', 2);
    t.hasResourceProperties('AWS::ECS::Service', {
      ServiceName: 'api',
      LaunchType: 'FARGATE',
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
      DeploymentConfiguration: Match.objectLike({
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      }),
      LoadBalancers: Match.anyValue(),
    });
    t.hasResourceProperties('AWS::ECS::Service', { ServiceName: 'worker', LoadBalancers: Match.absent() });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/api/system/health',
      Matcher: { HttpCode: '200' },
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: [
        Match.objectLike({
          Field: 'path-pattern',
          PathPatternConfig: { Values: ['/metrics', '/metrics/*'] },
        }),
      ],
      Actions: [
        Match.objectLike({
          Type: 'fixed-response',
          FixedResponseConfig: Match.objectLike({ StatusCode: '404' }),
        }),
      ],
    });
    for (const role of ['api', 'worker', 'migrate'])
      t.hasResourceProperties('AWS::ECS::TaskDefinition', {
        Family: `github-insights-production-${role}`,
        RequiresCompatibilities: ['FARGATE'],
        ContainerDefinitions: [
          Match.objectLike({
            Command: ['node', 'dist/src/main.js', role],
            User: '1000:1000',
            ReadonlyRootFilesystem: true,
            LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }),
            Environment: Match.arrayWith([
              { Name: 'NODE_ENV', Value: 'production' },
              { Name: 'AWS_DB_SECRET_NAME', Value: 'github-api/database' },
              { Name: 'AWS_GITHUB_SECRET_NAME', Value: 'github-api/github-tokens' },
              // TLS to RDS, verified against Amazon RDS's CAs shipped in the image.
              { Name: 'DB_SSL', Value: 'true' },
              { Name: 'DB_SSL_CA_BUNDLE', Value: 'aws-rds' },
              // The heap is bounded by half the task's memory (1024 MiB in production).
              { Name: 'NODE_OPTIONS', Value: '--max-old-space-size=512 --max-semi-space-size=16' },
            ]),
          }),
        ],
      });
  });

  it('keeps secret values out of the task definitions', () => {
    const text = JSON.stringify(templates.service.findResources('AWS::ECS::TaskDefinition'));
    expect(text).not.toMatch(/PASSWORD|GITHUB_TOKENS|METRICS_TOKEN/);
  });

  it('has immutable, scanned image tags', () => {
    templates.registry.hasResourceProperties('AWS::ECR::Repository', {
      ImageTagMutability: 'IMMUTABLE',
      ImageScanningConfiguration: { ScanOnPush: true },
    });
  });

  it('alarms on 5xx rate, p99 latency, queue backlog, operator notifications, database CPU and storage, cache memory', () => {
    const alarms = Object.values(templates.service.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties.AlarmName as string,
    );
    expect(alarms.sort()).toEqual(
      [
        'api-5xx-rate',
        'api-p99-latency',
        'cache-memory',
        'db-cpu',
        'db-free-storage',
        'operator-notifications',
        'queue-backlog',
      ].map((n) => `github-insights-production-${n}`),
    );
    templates.service.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.msg = "queue figures" }',
      MetricTransformations: [Match.objectLike({ MetricValue: '$.waiting', MetricName: 'QueueWaiting' })],
    });
  });
});

describe('cdk-nag', () => {
  it('gives a written reason for every suppression', () => {
    for (const list of Object.values(STACK_SUPPRESSIONS))
      for (const s of list) expect(s.reason.length, s.id).toBeGreaterThan(40);
  });

  it('network stack has VPC flow logs and isolated data subnets', () => {
    templates.network.resourceCountIs('AWS::EC2::FlowLog', 1);
    templates.network.resourceCountIs('AWS::EC2::NatGateway', 2);
  });
});
