import {
  CfnCondition,
  CfnOutput,
  CfnParameter,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { DB_NAME, DB_USER, type InfraSettings, secretName } from './settings';

/** What the data stacks (database, cache) are built from: the settings, the VPC, the tasks' security group. */
export type DataStackProps = StackProps & {
  readonly settings: InfraSettings;
  readonly vpc: ec2.IVpc;
  readonly appSecurityGroup: ec2.ISecurityGroup;
};

/**
 * RDS PostgreSQL 16: encrypted at rest, TLS required (`rds.force_ssl=1`), Multi-AZ as the
 * `MultiAz` parameter, 7-day backups, deletion protection, a final snapshot on removal. Its
 * password lives in the `github-api/database` secret (the shape the service reads: username,
 * password, host, port, dbname), rotated every 30 days by Secrets Manager's hosted rotation.
 */
export class DatabaseStack extends Stack {
  readonly instance: rds.DatabaseInstance;
  readonly secret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { settings, vpc } = props;
    const multiAz = new CfnParameter(this, 'MultiAz', {
      type: 'String',
      allowedValues: ['true', 'false'],
      default: settings.env === 'production' ? 'true' : 'false',
      description: 'Run a standby in a second availability zone',
    });
    const isMultiAz = new CfnCondition(this, 'IsMultiAz', {
      expression: Fn.conditionEquals(multiAz.valueAsString, 'true'),
    });

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: `github-insights ${settings.env} PostgreSQL`,
      allowAllOutbound: false,
    });
    securityGroup.addIngressRule(props.appSecurityGroup, ec2.Port.tcp(5432), 'api and worker tasks');

    const engine = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 });
    const parameterGroup = new rds.ParameterGroup(this, 'Parameters', {
      engine,
      description: 'TLS required for every connection',
      parameters: { 'rds.force_ssl': '1' },
    });
    const secret = new rds.DatabaseSecret(this, 'Secret', {
      username: DB_USER,
      secretName: secretName(settings.env, 'database'),
      dbname: DB_NAME,
    });
    this.instance = new rds.DatabaseInstance(this, 'Instance', {
      engine,
      instanceType: new ec2.InstanceType(settings.dbInstanceType),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [securityGroup],
      credentials: rds.Credentials.fromSecret(secret),
      databaseName: DB_NAME,
      parameterGroup,
      storageEncrypted: true,
      storageType: rds.StorageType.GP3,
      allocatedStorage: settings.dbAllocatedStorageGb,
      maxAllocatedStorage: settings.dbAllocatedStorageGb * 4,
      backupRetention: Duration.days(7),
      deleteAutomatedBackups: false,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
      autoMinorVersionUpgrade: true,
      cloudwatchLogsExports: ['postgresql', 'upgrade'],
      enablePerformanceInsights: true,
      caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
      copyTagsToSnapshot: true,
    });
    (this.instance.node.defaultChild as rds.CfnDBInstance).multiAz = Fn.conditionIf(
      isMultiAz.logicalId,
      true,
      false,
    ) as unknown as boolean;
    this.secret = this.instance.secret!;

    const rotationSecurityGroup = new ec2.SecurityGroup(this, 'RotationSecurityGroup', {
      vpc,
      description: 'Secrets Manager rotation function for the database password',
      allowAllOutbound: true, // Secrets Manager's endpoint through NAT, and PostgreSQL
    });
    securityGroup.addIngressRule(rotationSecurityGroup, ec2.Port.tcp(5432), 'password rotation');
    secret.addRotationSchedule('Rotation', {
      automaticallyAfter: Duration.days(30),
      hostedRotation: secretsmanager.HostedRotation.postgreSqlSingleUser({
        functionName: `github-insights-${settings.env}-db-rotation`,
        vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        securityGroups: [rotationSecurityGroup],
      }),
    });

    new CfnOutput(this, 'DatabaseEndpoint', { value: this.instance.dbInstanceEndpointAddress });
    new CfnOutput(this, 'DatabaseInstanceId', { value: this.instance.instanceIdentifier });
    new CfnOutput(this, 'DatabaseSecretName', { value: secretName(settings.env, 'database') });
  }
}
