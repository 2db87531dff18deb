import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { InfraSettings } from './settings';

const NAMESPACE = 'GithubInsights';

/**
 * CloudWatch alarms, all to one SNS topic: 5xx rate and p99 latency at the load balancer, queue
 * backlog (from the workers' `queue figures` log lines), operator notifications (`alert: true`
 * log lines), database CPU and free storage, cache memory.
 */
export class ServiceAlarms extends Construct {
  readonly topic: sns.Topic;

  constructor(
    scope: Construct,
    id: string,
    props: {
      readonly settings: InfraSettings;
      readonly loadBalancer: elbv2.ApplicationLoadBalancer;
      readonly targets: elbv2.ApplicationTargetGroup;
      readonly apiLogs: logs.ILogGroup;
      readonly workerLogs: logs.ILogGroup;
      readonly databaseInstanceId: string;
      readonly cacheReplicationGroupId: string;
    },
  ) {
    super(scope, id);
    const { settings } = props;
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: `github-insights ${settings.env} alarms`,
      enforceSSL: true,
    });
    if (settings.alarmEmail)
      this.topic.addSubscription(new subscriptions.EmailSubscription(settings.alarmEmail));
    const alarm = (name: string, metric: cloudwatch.IMetric, threshold: number, description: string) => {
      const a = new cloudwatch.Alarm(this, name, {
        alarmName: `github-insights-${settings.env}-${name}`,
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(new actions.SnsAction(this.topic));
      a.addOkAction(new actions.SnsAction(this.topic));
      return a;
    };
    const lb = props.loadBalancer.metrics;
    const period = Duration.minutes(1);
    alarm(
      'api-5xx-rate',
      new cloudwatch.MathExpression({
        expression: '100 * (errors5xx + elb5xx) / MAX([requests, 1])',
        usingMetrics: {
          errors5xx: props.targets.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, {
            period,
            statistic: 'Sum',
          }),
          elb5xx: lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period, statistic: 'Sum' }),
          requests: lb.requestCount({ period, statistic: 'Sum' }),
        },
        period,
        label: '5xx responses, % of requests',
      }),
      5,
      'More than 5% of requests answered 5xx',
    );
    alarm(
      'api-p99-latency',
      props.targets.metrics.targetResponseTime({ period, statistic: 'p99' }),
      2,
      'p99 response time above 2 s',
    );
    new logs.MetricFilter(this, 'QueueBacklogFilter', {
      logGroup: props.workerLogs,
      filterPattern: logs.FilterPattern.stringValue('$.msg', '=', 'queue figures'),
      metricNamespace: NAMESPACE,
      metricName: 'QueueWaiting',
      metricValue: '$.waiting',
      dimensions: { Environment: settings.env },
    });
    alarm(
      'queue-backlog',
      new cloudwatch.Metric({
        namespace: NAMESPACE,
        metricName: 'QueueWaiting',
        dimensionsMap: { Environment: settings.env },
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      500,
      'More than 500 jobs waiting in a queue',
    );
    for (const [name, group] of [
      ['api', props.apiLogs],
      ['worker', props.workerLogs],
    ] as const) {
      new logs.MetricFilter(this, `${name}AlertFilter`, {
        logGroup: group,
        filterPattern: logs.FilterPattern.booleanValue('$.alert', true),
        metricNamespace: NAMESPACE,
        metricName: 'OperatorNotifications',
        metricValue: '1',
        dimensions: { Environment: settings.env },
      });
    }
    alarm(
      'operator-notifications',
      new cloudwatch.Metric({
        namespace: NAMESPACE,
        metricName: 'OperatorNotifications',
        dimensionsMap: { Environment: settings.env },
        period,
        statistic: 'Sum',
      }),
      0,
      'The service raised an operator notification (log lines with alert=true)',
    );
    const rds = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/RDS',
        metricName,
        dimensionsMap: { DBInstanceIdentifier: props.databaseInstanceId },
        period: Duration.minutes(5),
        statistic,
      });
    alarm('db-cpu', rds('CPUUtilization', 'Average'), 80, 'Database CPU above 80%');
    new cloudwatch.Alarm(this, 'db-free-storage', {
      alarmName: `github-insights-${settings.env}-db-free-storage`,
      alarmDescription: 'Database free storage below 5 GiB',
      metric: rds('FreeStorageSpace', 'Minimum'),
      threshold: 5 * 1024 ** 3,
      evaluationPeriods: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    }).addAlarmAction(new actions.SnsAction(this.topic));
    alarm(
      'cache-memory',
      new cloudwatch.Metric({
        namespace: 'AWS/ElastiCache',
        metricName: 'DatabaseMemoryUsagePercentage',
        // Per node; the primary of a replication group is its first node.
        dimensionsMap: { CacheClusterId: `${props.cacheReplicationGroupId}-001` },
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      80,
      'Valkey memory above 80% of its maximum',
    );
  }
}
