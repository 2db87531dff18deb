import { CfnCondition, CfnOutput, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { DataStackProps } from './database-stack';
import { secretName } from './settings';

export const VALKEY_PORT = 6379;

/**
 * ElastiCache Valkey as a replication group: TLS in transit, encryption at rest, an AUTH token
 * generated into the `github-api/redis` secret (`{password, port, tls}`; the host is set on the
 * tasks from this stack's output), automatic failover and Multi-AZ when `CacheNodes` > 1.
 */
export class CacheStack extends Stack {
  readonly replicationGroup: elasticache.CfnReplicationGroup;
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { settings, vpc } = props;
    const nodes = new CfnParameter(this, 'CacheNodes', {
      type: 'Number',
      minValue: 1,
      maxValue: 6,
      default: settings.env === 'production' ? 2 : 1,
      description: 'Valkey nodes (primary + replicas); more than 1 enables automatic failover and Multi-AZ',
    });
    const replicated = new CfnCondition(this, 'HasReplicas', {
      expression: Fn.conditionNot(Fn.conditionEquals(nodes.valueAsString, '1')),
    });

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: `github-insights ${settings.env} Valkey`,
      allowAllOutbound: false,
    });
    securityGroup.addIngressRule(props.appSecurityGroup, ec2.Port.tcp(VALKEY_PORT), 'api and worker tasks');
    const subnets = new elasticache.CfnSubnetGroup(this, 'Subnets', {
      description: `github-insights ${settings.env} Valkey`,
      subnetIds: vpc.isolatedSubnets.map((s) => s.subnetId),
    });

    this.secret = new secretsmanager.Secret(this, 'AuthToken', {
      secretName: secretName(settings.env, 'redis'),
      description: 'Valkey AUTH token and connection settings (github-insights)',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ port: VALKEY_PORT, tls: true }),
        generateStringKey: 'password',
        excludePunctuation: true, // ElastiCache AUTH tokens: printable, no @ " /
        passwordLength: 64,
      },
    });

    const isReplicated = (yes: boolean | string, no: boolean | string) =>
      Fn.conditionIf(replicated.logicalId, yes, no) as unknown as boolean;
    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupDescription: `github-insights ${settings.env} cache, pub/sub and queues`,
      engine: 'valkey',
      engineVersion: '8.0',
      cacheNodeType: settings.cacheNodeType,
      numCacheClusters: nodes.valueAsNumber,
      automaticFailoverEnabled: isReplicated(true, false),
      multiAzEnabled: isReplicated(true, false),
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      atRestEncryptionEnabled: true,
      authToken: this.secret.secretValueFromJson('password').unsafeUnwrap(),
      port: VALKEY_PORT,
      cacheSubnetGroupName: subnets.ref,
      securityGroupIds: [securityGroup.securityGroupId],
      snapshotRetentionLimit: 1,
      autoMinorVersionUpgrade: true,
    });

    new CfnOutput(this, 'CacheEndpoint', { value: this.replicationGroup.attrPrimaryEndPointAddress });
    new CfnOutput(this, 'CacheReplicationGroupId', { value: this.replicationGroup.ref });
    new CfnOutput(this, 'CacheSecretName', { value: secretName(settings.env, 'redis') });
  }
}
