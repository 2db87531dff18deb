import { App, BootstraplessSynthesizer, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CacheStack } from './lib/cache-stack';
import { DatabaseStack } from './lib/database-stack';
import { applySuppressions } from './lib/nag';
import { type ExistingVpc, NetworkStack } from './lib/network-stack';
import { RegistryStack } from './lib/registry-stack';
import { ServiceStack } from './lib/service-stack';
import { ENVIRONMENTS, type InfraSettings, stackNames } from './lib/settings';

/**
 * The CDK app: per environment the registry, network, database, cache and service stacks, in
 * deployment order. Stacks are environment-agnostic (no account or region: synthesis needs no AWS
 * access) and bootstrap-less (no assets), so the templates deploy with plain CloudFormation.
 */
export function buildApp(
  options: {
    readonly outdir?: string;
    readonly environments?: readonly InfraSettings[];
    readonly existingVpc?: ExistingVpc;
  } = {},
): App {
  const app = new App({
    outdir: options.outdir,
    analyticsReporting: false,
    context: { '@aws-cdk/core:newStyleStackSynthesis': true },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  for (const settings of options.environments ?? Object.values(ENVIRONMENTS)) {
    const names = stackNames(settings.env);
    const common = {
      synthesizer: new BootstraplessSynthesizer(),
      tags: { app: 'github-insights', environment: settings.env },
    };
    const registry = new RegistryStack(app, names.registry, {
      ...common,
      deployment: settings.env,
      description: `github-insights ${settings.env}: image repository`,
    });
    const network = new NetworkStack(app, names.network, {
      ...common,
      settings,
      existingVpc: options.existingVpc,
      description: `github-insights ${settings.env}: network`,
    });
    const database = new DatabaseStack(app, names.database, {
      ...common,
      settings,
      vpc: network.vpc,
      appSecurityGroup: network.appSecurityGroup,
      description: `github-insights ${settings.env}: PostgreSQL`,
    });
    const cache = new CacheStack(app, names.cache, {
      ...common,
      settings,
      vpc: network.vpc,
      appSecurityGroup: network.appSecurityGroup,
      description: `github-insights ${settings.env}: Valkey`,
    });
    const service = new ServiceStack(app, names.service, {
      ...common,
      settings,
      vpc: network.vpc,
      appSecurityGroup: network.appSecurityGroup,
      repository: registry.repository,
      cacheHost: cache.replicationGroup.attrPrimaryEndPointAddress,
      cacheReplicationGroupId: cache.replicationGroup.ref,
      databaseInstanceId: database.instance.instanceIdentifier,
      description: `github-insights ${settings.env}: ECS services, load balancer, alarms`,
    });
    applySuppressions(registry, 'registry');
    applySuppressions(network, 'network');
    applySuppressions(database, 'database');
    applySuppressions(cache, 'cache');
    applySuppressions(service, 'service');
  }
  return app;
}
