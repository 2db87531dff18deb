import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { randomUUID } from 'node:crypto';

/**
 * What a Secrets Manager rotation function does, step by step, through the real SDK against the
 * stand-in (AWS "Lambda rotation functions": createSecret, setSecret, testSecret, finishSecret):
 *
 * - createSecret: PutSecretValue of the new value with VersionStages ["AWSPENDING"] under the
 *   rotation's ClientRequestToken; AWSCURRENT still holds the old value.
 * - setSecret: the service (the database, Valkey) is changed to accept the pending value; this is
 *   the test's own step (ALTER ROLE, ACL SETUSER), run between `create` and `finish`.
 * - testSecret: the rotation function logs in with the pending value (the test's step too).
 * - finishSecret: UpdateSecretVersionStage moves AWSCURRENT to the new version (Secrets Manager
 *   moves AWSPREVIOUS to the old one) and AWSPENDING is removed.
 */
export interface Rotation {
  readonly token: string;
  /** finishSecret: AWSCURRENT onto the pending version. */
  finish(): Promise<void>;
}

export interface RotationClient {
  createSecret(secretId: string, value: object): Promise<Rotation>;
  /** The version ids and their labels (DescribeSecret VersionIdsToStages). */
  stages(secretId: string): Promise<Record<string, string[]>>;
  close(): void;
}

export function rotationClient(endpoint: string, region = 'us-east-1'): RotationClient {
  const client = new SecretsManagerClient({ region, endpoint, maxAttempts: 1 });
  const stages = async (secretId: string) =>
    (await client.send(new DescribeSecretCommand({ SecretId: secretId }))).VersionIdsToStages ?? {};
  return {
    stages,
    async createSecret(secretId, value) {
      const token = randomUUID();
      // The template reads AWSCURRENT first: rotation of a secret that cannot be read fails here.
      await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT' }));
      await client.send(
        new PutSecretValueCommand({
          SecretId: secretId,
          ClientRequestToken: token,
          SecretString: JSON.stringify(value),
          VersionStages: ['AWSPENDING'],
        }),
      );
      return {
        token,
        async finish() {
          const current = Object.entries(await stages(secretId)).find(([, labels]) =>
            labels.includes('AWSCURRENT'),
          )?.[0];
          await client.send(
            new UpdateSecretVersionStageCommand({
              SecretId: secretId,
              VersionStage: 'AWSCURRENT',
              MoveToVersionId: token,
              RemoveFromVersionId: current,
            }),
          );
          await client.send(
            new UpdateSecretVersionStageCommand({
              SecretId: secretId,
              VersionStage: 'AWSPENDING',
              RemoveFromVersionId: token,
            }),
          );
        },
      };
    },
    close: () => client.destroy(),
  };
}
