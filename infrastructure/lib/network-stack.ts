import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { APP_PORT, type InfraSettings } from './settings';

/** An existing VPC, by ids (no account look-up: synthesis stays offline). */
export interface ExistingVpc {
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly availabilityZones: string[];
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  readonly isolatedSubnetIds: string[];
}

/**
 * The VPC (public subnets for the load balancer and NAT, private ones with egress for the tasks,
 * isolated ones for PostgreSQL and Valkey) with flow logs, or an existing VPC passed in; and the
 * tasks' security group, which the database and cache stacks admit.
 */
export class NetworkStack extends Stack {
  readonly vpc: ec2.IVpc;
  readonly appSecurityGroup: ec2.SecurityGroup;

  constructor(
    scope: Construct,
    id: string,
    props: StackProps & { readonly settings: InfraSettings; readonly existingVpc?: ExistingVpc },
  ) {
    super(scope, id, props);
    const { settings, existingVpc } = props;
    if (existingVpc) {
      this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', existingVpc);
    } else {
      const vpc = new ec2.Vpc(this, 'Vpc', {
        ipAddresses: ec2.IpAddresses.cidr(settings.vpcCidr),
        maxAzs: 2,
        natGateways: settings.natGateways,
        subnetConfiguration: [
          { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
          { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
          { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
        ],
      });
      const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
        retention: logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs) });
      this.vpc = vpc;
    }
    this.appSecurityGroup = new ec2.SecurityGroup(this, 'AppSecurityGroup', {
      vpc: this.vpc,
      description: `github-insights ${settings.env} api and worker tasks`,
      allowAllOutbound: true, // GitHub, Secrets Manager, SES, ECR over HTTPS through NAT
    });
    new CfnOutput(this, 'VpcId', { value: this.vpc.vpcId });
    new CfnOutput(this, 'AppSecurityGroupId', { value: this.appSecurityGroup.securityGroupId });
    new CfnOutput(this, 'AppSubnetIds', {
      value: this.vpc.privateSubnets.map((s) => s.subnetId).join(','),
    });
    new CfnOutput(this, 'AppPort', { value: String(APP_PORT) });
  }
}
