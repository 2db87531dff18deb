import {
  ArnFormat,
  CfnOutput,
  CfnParameter,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ServiceAlarms } from './service-alarms';
import { APP_PORT, HEALTH_PATH, type InfraSettings, secretName } from './settings';

export interface ServiceStackProps extends StackProps {
  readonly settings: InfraSettings;
  readonly vpc: ec2.IVpc;
  readonly appSecurityGroup: ec2.ISecurityGroup;
  readonly repository: ecr.IRepository;
  readonly cacheHost: string;
  readonly cacheReplicationGroupId: string;
  readonly databaseInstanceId: string;
}

/**
 * The ECS cluster and its two Fargate services from one image: `api` behind an internet-facing
 * ALB (health check `/api/system/health`; `/metrics` answered 404 at the ALB) and `worker`; a
 * one-off `migrate` task definition deploy-aws.sh runs before the services move to a new image;
 * the task role with exactly the guide's permissions; log groups; alarms.
 */
export class ServiceStack extends Stack {
  readonly taskRole: iam.Role;
  readonly cluster: ecs.Cluster;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { settings, vpc } = props;
    // The tasks' group from the network stack, immutable here: its rules are declared explicitly
    // below, so the network stack never refers back to this stack.
    const appSecurityGroup = ec2.SecurityGroup.fromSecurityGroupId(
      this,
      'AppSecurityGroup',
      props.appSecurityGroup.securityGroupId,
      {
        mutable: false,
      },
    );
    const imageTag = new CfnParameter(this, 'ImageTag', {
      type: 'String',
      description: 'Image tag the api and worker services run (immutable tags: one per build)',
    });
    const migrateImageTag = new CfnParameter(this, 'MigrateImageTag', {
      type: 'String',
      description: 'Image tag of the one-off migrate task (deploy-aws.sh moves it first)',
    });

    // The migration guide's policy, scoped to this account and region: nothing more.
    this.taskRole = new iam.Role(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'github-insights api and worker: read github-api/* secrets, send email through SES',
      inlinePolicies: {
        app: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              actions: ['secretsmanager:GetSecretValue'],
              resources: [
                this.formatArn({
                  service: 'secretsmanager',
                  resource: 'secret',
                  resourceName: 'github-api/*',
                  arnFormat: ArnFormat.COLON_RESOURCE_NAME,
                }),
              ],
            }),
            new iam.PolicyStatement({ actions: ['ses:SendEmail', 'ses:SendRawEmail'], resources: ['*'] }),
          ],
        }),
      },
    });

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      clusterName: `github-insights-${settings.env}`,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    const image = (tag: string) => ecs.ContainerImage.fromEcrRepository(props.repository, tag);
    const environment: Record<string, string> = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      AWS_DB_SECRET_NAME: secretName(settings.env, 'database'),
      AWS_REDIS_SECRET_NAME: secretName(settings.env, 'redis'),
      AWS_GITHUB_SECRET_NAME: secretName(settings.env, 'github-tokens'),
      AWS_SES_SECRET_NAME: secretName(settings.env, 'ses'),
      AWS_REGION: this.region,
      DB_SSL: 'true',
      // RDS certificates verify against Amazon RDS's CAs, shipped in the image (not Node's defaults).
      DB_SSL_CA_BUNDLE: 'aws-rds',
      REDIS_HOST: props.cacheHost,
      REDIS_TLS: 'true',
      TRUST_PROXY_HOPS: '1',
      ENABLE_EMAIL_NOTIFICATIONS: 'true',
      METRICS_ALLOWED_CIDRS: vpc.vpcCidrBlock,
      SHUTDOWN_TIMEOUT_MS: '20000',
    };
    const logGroups: Record<string, logs.LogGroup> = {};
    const taskDefinition = (
      role: 'api' | 'worker' | 'migrate',
      size: { cpu: number; memoryMiB: number },
      tag: string,
    ) => {
      logGroups[role] = new logs.LogGroup(this, `${role}Logs`, {
        logGroupName: `/ecs/github-insights-${settings.env}/${role}`,
        retention: logs.RetentionDays.THREE_MONTHS,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const definition = new ecs.FargateTaskDefinition(this, `${role}Task`, {
        family: `github-insights-${settings.env}-${role}`,
        cpu: size.cpu,
        memoryLimitMiB: size.memoryMiB,
        taskRole: this.taskRole,
        runtimePlatform: {
          cpuArchitecture: ecs.CpuArchitecture.X86_64,
          operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        },
      });
      definition.addContainer('app', {
        image: image(tag),
        command: ['node', 'dist/src/main.js', role],
        environment: {
          ...environment,
          // A heap bound from the task's size: V8 otherwise lets garbage pile up far past what is
          // live (docs/performance.md: ~78 MB live, up to ~470 MB RSS on a large host) and the
          // task is killed at its memory limit instead of collecting. Half leaves room for buffers.
          // V8 derives the young generation from the bound too (smaller, so more scavenges and
          // promotions: 0.85x on a cached read in the bench); 16 MB semi-spaces keep its default.
          NODE_OPTIONS: `--max-old-space-size=${Math.floor(size.memoryMiB / 2)} --max-semi-space-size=16`,
        },
        logging: ecs.LogDrivers.awsLogs({ logGroup: logGroups[role]!, streamPrefix: role }),
        portMappings: role === 'api' ? [{ containerPort: APP_PORT }] : [],
        healthCheck:
          role === 'api'
            ? {
                command: ['CMD', 'node', '/app/scripts/health-check.js'],
                interval: Duration.seconds(15),
                timeout: Duration.seconds(5),
                startPeriod: Duration.seconds(30),
                retries: 3,
              }
            : undefined,
        stopTimeout: Duration.seconds(30), // above SHUTDOWN_TIMEOUT_MS: the drain is never cut short
        readonlyRootFilesystem: true,
        user: '1000:1000',
      });
      return definition;
    };
    const apiTask = taskDefinition('api', settings.api, imageTag.valueAsString);
    const workerTask = taskDefinition('worker', settings.worker, imageTag.valueAsString);
    const migrateTask = taskDefinition('migrate', settings.worker, migrateImageTag.valueAsString);

    const service = (role: 'api' | 'worker', task: ecs.FargateTaskDefinition, desiredCount: number) =>
      new ecs.FargateService(this, `${role}Service`, {
        cluster: this.cluster,
        serviceName: role,
        taskDefinition: task,
        desiredCount,
        securityGroups: [appSecurityGroup],
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        assignPublicIp: false,
        minHealthyPercent: 100,
        maxHealthyPercent: 200,
        circuitBreaker: { rollback: true },
        enableExecuteCommand: false,
      });
    const api = service('api', apiTask, settings.api.desiredCount);
    const worker = service('worker', workerTask, settings.worker.desiredCount);

    const albSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc,
      description: `github-insights ${settings.env} load balancer`,
      allowAllOutbound: false,
    });
    const listenPort = settings.certificateArn ? 443 : 80;
    albSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(listenPort), 'clients');
    albSecurityGroup.addEgressRule(appSecurityGroup, ec2.Port.tcp(APP_PORT), 'api tasks');
    // Declared here (not on the network stack's group) so the network stack never refers to this one.
    new ec2.CfnSecurityGroupIngress(this, 'AppFromLoadBalancer', {
      groupId: appSecurityGroup.securityGroupId,
      sourceSecurityGroupId: albSecurityGroup.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: APP_PORT,
      toPort: APP_PORT,
      description: 'load balancer to api tasks',
    });
    const alb = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: true,
      securityGroup: albSecurityGroup,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      dropInvalidHeaderFields: true,
      idleTimeout: Duration.seconds(60), // below HTTP_KEEP_ALIVE_TIMEOUT_MS (65 s)
    });
    const listener = alb.addListener('Listener', {
      port: listenPort,
      open: false,
      ...(settings.certificateArn
        ? {
            protocol: elbv2.ApplicationProtocol.HTTPS,
            certificates: [{ certificateArn: settings.certificateArn }],
            sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
          }
        : { protocol: elbv2.ApplicationProtocol.HTTP }),
    });
    const targets = listener.addTargets('Api', {
      port: APP_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [api],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        path: HEALTH_PATH,
        healthyHttpCodes: '200',
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });
    // Metrics are for scrapers inside the VPC, never through the public load balancer.
    listener.addAction('NoPublicMetrics', {
      priority: 1,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/metrics', '/metrics/*'])],
      action: elbv2.ListenerAction.fixedResponse(404, {
        contentType: 'application/json',
        messageBody: '{"errors":[{"message":"Not found","extensions":{"code":"NOT_FOUND"}}]}',
      }),
    });

    new ServiceAlarms(this, 'Alarms', {
      settings,
      loadBalancer: alb,
      targets,
      apiLogs: logGroups.api!,
      workerLogs: logGroups.worker!,
      databaseInstanceId: props.databaseInstanceId,
      cacheReplicationGroupId: props.cacheReplicationGroupId,
    });

    new CfnOutput(this, 'LoadBalancerDns', { value: alb.loadBalancerDnsName });
    new CfnOutput(this, 'ClusterName', { value: this.cluster.clusterName });
    new CfnOutput(this, 'ApiServiceName', { value: api.serviceName });
    new CfnOutput(this, 'WorkerServiceName', { value: worker.serviceName });
    new CfnOutput(this, 'MigrateTaskDefinition', { value: migrateTask.taskDefinitionArn });
    new CfnOutput(this, 'ApiLogGroup', { value: logGroups.api!.logGroupName });
    new CfnOutput(this, 'WorkerLogGroup', { value: logGroups.worker!.logGroupName });
  }
}
