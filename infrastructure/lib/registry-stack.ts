import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import type { Construct } from 'constructs';

/**
 * The image repository, in a stack of its own: `deploy-aws.sh build` pushes the image before the
 * other stacks exist. Tags are immutable (a tag names one build), images are scanned on push.
 */
export class RegistryStack extends Stack {
  readonly repository: ecr.Repository;

  constructor(scope: Construct, id: string, props: StackProps & { readonly deployment: string }) {
    super(scope, id, props);
    this.repository = new ecr.Repository(this, 'Repository', {
      repositoryName: `github-insights-api-${props.deployment}`,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      imageScanOnPush: true,
      encryption: ecr.RepositoryEncryption.AES_256,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ description: 'keep the last 50 images', maxImageCount: 50 }],
    });
    this.repository.addLifecycleRule({ tagStatus: ecr.TagStatus.UNTAGGED, maxImageAge: Duration.days(7) });
    new CfnOutput(this, 'RepositoryUri', { value: this.repository.repositoryUri });
    new CfnOutput(this, 'RepositoryName', { value: this.repository.repositoryName });
  }
}
