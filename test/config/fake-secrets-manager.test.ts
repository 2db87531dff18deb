import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsSecretFetcher } from '../../src/platform/secrets/aws-secrets-manager';
import { SecretError } from '../../src/platform/secrets/secret-store';
import {
  FAKE_AWS_CREDENTIALS,
  type FakeSecretsManager,
  startFakeSecretsManager,
} from '../support/fake-secrets-manager';
import { rotationClient } from '../support/secret-rotation';
import { useFakeAwsCredentials } from './aws-test-setup';

// The stand-in is only worth its tests if it answers as AWS does: these check it against the real
// SDK client, which parses exactly what Secrets Manager sends.
useFakeAwsCredentials();

let fake: FakeSecretsManager;
let client: SecretsManagerClient;

beforeEach(async () => {
  fake = await startFakeSecretsManager();
  client = new SecretsManagerClient({ region: 'us-east-1', endpoint: fake.endpoint, maxAttempts: 1 });
});

afterEach(async () => {
  client.destroy();
  await fake.close();
});

async function rejectionOf(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('expected a rejection');
}

describe('Secrets Manager stand-in', () => {
  it('answers GetSecretValue in the shape the SDK parses, to a signed JSON 1.1 request', async () => {
    const versionId = fake.setSecret('prod/db', { host: 'db.internal', port: 5432 });
    const before = Math.floor(Date.now() / 1000) * 1000;

    const out = await client.send(new GetSecretValueCommand({ SecretId: 'prod/db' }));

    expect(out.Name).toBe('prod/db');
    expect(out.ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:\d{12}:secret:prod\/db-[0-9a-f]{6}$/);
    expect(out.VersionId).toBe(versionId);
    expect(out.VersionStages).toEqual(['AWSCURRENT']);
    expect(JSON.parse(out.SecretString!)).toEqual({ host: 'db.internal', port: 5432 });
    // CreatedDate travels as epoch seconds; the SDK turns it into a Date only if it is a number.
    expect(out.CreatedDate).toBeInstanceOf(Date);
    expect(out.CreatedDate!.getTime()).toBeGreaterThanOrEqual(before);
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);

    const [request] = fake.requests();
    expect(request).toMatchObject({
      target: 'secretsmanager.GetSecretValue',
      contentType: 'application/x-amz-json-1.1',
      accessKeyId: FAKE_AWS_CREDENTIALS.accessKeyId,
      outcome: 'ok',
    });
    expect(request!.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=\w+\/\d{8}\/us-east-1\/secretsmanager\/aws4_request, SignedHeaders=.*x-amz-target.*, Signature=[0-9a-f]{64}$/,
    );
  });

  it('refuses an unsigned request as AWS does, with the error type in body and header', async () => {
    fake.setSecret('prod/db', { password: 'unsigned-must-not-see' });
    const response = await fetch(fake.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'secretsmanager.GetSecretValue',
      },
      body: JSON.stringify({ SecretId: 'prod/db' }),
    });
    const body = await response.text();

    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(response.headers.get('x-amzn-requestid')).toBeTruthy();
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(JSON.parse(body)).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
    expect(body).not.toContain('unsigned-must-not-see');
    expect(fake.calls('prod/db')).toBe(0);
  });

  it('checks the signature itself: a wrong secret key or an unknown key id is refused', async () => {
    fake.setSecret('prod/db', 'x');
    const wrongSecret = new SecretsManagerClient({
      region: 'us-east-1',
      endpoint: fake.endpoint,
      credentials: { accessKeyId: FAKE_AWS_CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-right-key' },
    });
    const unknownKey = new SecretsManagerClient({
      region: 'us-east-1',
      endpoint: fake.endpoint,
      credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'whatever' },
    });
    try {
      const bad = await rejectionOf(wrongSecret.send(new GetSecretValueCommand({ SecretId: 'prod/db' })));
      expect(bad.name).toBe('InvalidSignatureException');
      const unknown = await rejectionOf(unknownKey.send(new GetSecretValueCommand({ SecretId: 'prod/db' })));
      expect(unknown.name).toBe('UnrecognizedClientException');
      expect(unknown.message).toBe('The security token included in the request is invalid.');
    } finally {
      wrongSecret.destroy();
      unknownKey.destroy();
    }
  });

  it('refuses a signature scoped to another region', async () => {
    fake.setSecret('prod/db', 'x');
    const elsewhere = new SecretsManagerClient({ region: 'eu-west-1', endpoint: fake.endpoint });
    try {
      const error = await rejectionOf(elsewhere.send(new GetSecretValueCommand({ SecretId: 'prod/db' })));
      expect(error.name).toBe('InvalidSignatureException');
    } finally {
      elsewhere.destroy();
    }
  });

  it('reports a missing secret as ResourceNotFoundException (HTTP 400), counted as a call', async () => {
    const error = await rejectionOf(client.send(new GetSecretValueCommand({ SecretId: 'nope' })));
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.message).toBe("Secrets Manager can't find the specified secret.");
    expect(error.$metadata).toMatchObject({ httpStatusCode: 400 });
    expect(fake.calls('nope')).toBe(1);
  });

  it('finds a secret by ARN, and PutSecretValue makes a new current version', async () => {
    const first = fake.setSecret('prod/gh', { tokens: ['a'] });
    const described = await client.send(new DescribeSecretCommand({ SecretId: 'prod/gh' }));
    const put = await client.send(
      new PutSecretValueCommand({ SecretId: described.ARN, SecretString: '{"tokens":["b"]}' }),
    );
    const read = await client.send(new GetSecretValueCommand({ SecretId: described.ARN }));

    expect(put.VersionId).not.toBe(first);
    expect(read).toMatchObject({
      Name: 'prod/gh',
      VersionId: put.VersionId,
      SecretString: '{"tokens":["b"]}',
    });
    expect(fake.calls('prod/gh')).toBe(1);
    const after = await client.send(new DescribeSecretCommand({ SecretId: 'prod/gh' }));
    expect(after.VersionIdsToStages).toEqual({ [put.VersionId!]: ['AWSCURRENT'], [first]: ['AWSPREVIOUS'] });
  });

  it('models the staging labels through the four rotation steps (AWSPENDING, AWSCURRENT, AWSPREVIOUS)', async () => {
    const first = fake.setSecret('prod/db', { username: 'app', password: 'old' });
    const rotation = rotationClient(fake.endpoint);
    try {
      // createSecret: the new value is AWSPENDING; AWSCURRENT still answers with the old one.
      const pending = await rotation.createSecret('prod/db', { username: 'app', password: 'new' });
      expect(await rotation.stages('prod/db')).toEqual({
        [first]: ['AWSCURRENT'],
        [pending.token]: ['AWSPENDING'],
      });
      const current = await client.send(new GetSecretValueCommand({ SecretId: 'prod/db' }));
      expect(JSON.parse(current.SecretString!).password).toBe('old');
      const staged = await client.send(
        new GetSecretValueCommand({ SecretId: 'prod/db', VersionStage: 'AWSPENDING' }),
      );
      expect(staged).toMatchObject({ VersionId: pending.token, VersionStages: ['AWSPENDING'] });
      // VersionId and VersionStage must name the same version.
      const mismatch = await rejectionOf(
        client.send(
          new GetSecretValueCommand({ SecretId: 'prod/db', VersionId: first, VersionStage: 'AWSPENDING' }),
        ),
      );
      expect(mismatch.name).toBe('ResourceNotFoundException');
      // Moving AWSCURRENT without naming the version that holds it is refused, as AWS does.
      const refused = await rejectionOf(
        client.send(
          new UpdateSecretVersionStageCommand({
            SecretId: 'prod/db',
            VersionStage: 'AWSCURRENT',
            MoveToVersionId: pending.token,
          }),
        ),
      );
      expect(refused.name).toBe('InvalidParameterException');

      // finishSecret: AWSCURRENT moves, AWSPREVIOUS follows, AWSPENDING is gone.
      await pending.finish();
      expect(await rotation.stages('prod/db')).toEqual({
        [pending.token]: ['AWSCURRENT'],
        [first]: ['AWSPREVIOUS'],
      });
      const after = await client.send(new GetSecretValueCommand({ SecretId: 'prod/db' }));
      expect(JSON.parse(after.SecretString!).password).toBe('new');
      const noPending = await rejectionOf(
        client.send(new GetSecretValueCommand({ SecretId: 'prod/db', VersionStage: 'AWSPENDING' })),
      );
      expect(noPending.name).toBe('ResourceNotFoundException');
      const previous = await client.send(
        new GetSecretValueCommand({ SecretId: 'prod/db', VersionStage: 'AWSPREVIOUS' }),
      );
      expect(JSON.parse(previous.SecretString!).password).toBe('old');
    } finally {
      rotation.close();
    }
  });

  it('PutSecretValue is idempotent on ClientRequestToken and refuses the same token with another value', async () => {
    fake.setSecret('prod/x', 'a');
    const token = '11111111-2222-3333-4444-555555555555';
    const put = (value: string) =>
      client.send(
        new PutSecretValueCommand({ SecretId: 'prod/x', ClientRequestToken: token, SecretString: value }),
      );
    expect((await put('b')).VersionId).toBe(token);
    expect((await put('b')).VersionId).toBe(token);
    expect((await rejectionOf(put('c'))).name).toBe('ResourceExistsException');
  });

  it('simulates outages: a dropped connection and a 500, which the fetcher classifies', async () => {
    fake.setSecret('prod/db', 'value');
    const fetcher = createAwsSecretFetcher({ region: 'us-east-1', endpoint: fake.endpoint });
    try {
      fake.failNext(1, 'unreachable');
      fake.failNext(1, '500');
      const dropped = await rejectionOf(fetcher.fetch('prod/db'));
      const failed = await rejectionOf(fetcher.fetch('prod/db'));
      expect(dropped).toBeInstanceOf(SecretError);
      expect(dropped).toMatchObject({ kind: 'unreachable', retryable: true });
      expect(failed).toMatchObject({ kind: 'other', retryable: true });
      expect(failed.message).toContain('InternalServiceError');
      await expect(fetcher.fetch('prod/db')).resolves.toBe('value');
      expect(fake.calls('prod/db')).toBe(3);
    } finally {
      fetcher.close();
    }
  });
});
