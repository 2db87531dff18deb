import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for AWS Secrets Manager. There is no emulator on npm and AWS cannot be reached
 * from CI, so this speaks the real wire protocol (JSON 1.1 over POST `/`, `X-Amz-Target`) and checks
 * SigV4 signatures, letting tests point the unmodified AWS SDK client at it through `endpoint`.
 * Error bodies, status codes and headers copy what AWS returns, because the SDK decides which
 * exception to throw from them and the application decides what to retry from that exception.
 */

/** Credentials the stand-in accepts by default; tests put them in `process.env` for the SDK. */
export const FAKE_AWS_CREDENTIALS = {
  accessKeyId: 'AKIAFAKESTANDIN00001',
  secretAccessKey: 'fake/secret/access/key/for/tests/only00',
} as const;

export type FakeFailure = 'unreachable' | '500';

export interface FakeSecretsManagerOptions {
  /** Access key id -> secret access key. Defaults to `FAKE_AWS_CREDENTIALS`. */
  readonly credentials?: Readonly<Record<string, string>>;
  /** The region signatures must be scoped to, as AWS checks. */
  readonly region?: string;
}

/** What the stand-in saw of one request, for tests that check how the SDK talks to it. */
export interface RecordedRequest {
  readonly target: string | undefined;
  readonly secretId: string | undefined;
  readonly contentType: string | undefined;
  readonly authorization: string | undefined;
  readonly accessKeyId: string | undefined;
  /** The outcome: `ok`, an AWS error type, or a simulated failure. */
  readonly outcome: string;
}

export interface FakeSecretsManager {
  readonly endpoint: string;
  readonly region: string;
  /**
   * Creates the secret or puts a new AWSCURRENT version (the one it replaces becomes AWSPREVIOUS);
   * objects are stored as JSON. Returns the VersionId.
   */
  setSecret(name: string, value: string | object): string;
  deleteSecret(name: string): void;
  /** Authenticated GetSecretValue requests (for one secret, by name or ARN, or all), failed ones included. */
  calls(name?: string): number;
  /** Makes the next `n` GetSecretValue requests fail: the connection is dropped, or AWS answers 500. */
  failNext(n: number, kind: FakeFailure): void;
  requests(): readonly RecordedRequest[];
  close(): Promise<void>;
}

/** One version of a secret: its value and the staging labels attached to it. */
interface StoredVersion {
  readonly id: string;
  readonly value: string;
  readonly createdAt: number;
  readonly stages: Set<string>;
}

interface StoredSecret {
  readonly name: string;
  readonly arn: string;
  readonly createdAt: number;
  changedAt: number;
  readonly versions: Map<string, StoredVersion>;
}

class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const ACCOUNT_ID = '123456789012';
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const AUTHORIZATION_PATTERN =
  /^AWS4-HMAC-SHA256 Credential=([^/\s]+)\/(\d{8})\/([^/\s]+)\/([^/\s]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();
const epochSeconds = (ms: number): number => Math.floor(ms / 1000);

/** Recomputes the SigV4 signature as AWS does; throws the error AWS would answer with. */
function verifySignature(
  req: IncomingMessage,
  body: Buffer,
  credentials: Readonly<Record<string, string>>,
  region: string,
): string {
  const header = req.headers.authorization;
  if (!header) throw new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const match = AUTHORIZATION_PATTERN.exec(header);
  if (!match)
    throw new AwsError('IncompleteSignatureException', 'Authorization header requires valid elements.');
  const [, accessKeyId, day, scopeRegion, service, signedHeaders, signature] = match as unknown as string[];
  const secretKey = credentials[accessKeyId];
  if (secretKey === undefined) {
    throw new AwsError(
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    );
  }
  if (scopeRegion !== region || service !== 'secretsmanager') {
    throw new AwsError('InvalidSignatureException', `Credential should be scoped to a valid region.`);
  }
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const names = signedHeaders.split(';');
  const canonicalHeaders = names
    .map(
      (n) =>
        `${n}:${String(req.headers[n] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const canonicalRequest = [req.method, req.url, '', canonicalHeaders, signedHeaders, sha256(body)].join(
    '\n',
  );
  const scope = `${day}/${scopeRegion}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretKey}`, day), scopeRegion), service), 'aws4_request');
  if (hmac(key, stringToSign).toString('hex') !== signature) {
    throw new AwsError('InvalidSignatureException', SIGNATURE_MISMATCH);
  }
  return accessKeyId;
}

export async function startFakeSecretsManager(
  options: FakeSecretsManagerOptions = {},
): Promise<FakeSecretsManager> {
  const region = options.region ?? 'us-east-1';
  const credentials = options.credentials ?? {
    [FAKE_AWS_CREDENTIALS.accessKeyId]: FAKE_AWS_CREDENTIALS.secretAccessKey,
  };
  const secrets = new Map<string, StoredSecret>();
  const callCounts = new Map<string, number>();
  const log: RecordedRequest[] = [];
  const failures: FakeFailure[] = [];

  const find = (secretId: unknown): StoredSecret => {
    const secret =
      typeof secretId === 'string'
        ? (secrets.get(secretId) ?? [...secrets.values()].find((s) => s.arn === secretId))
        : undefined;
    if (!secret)
      throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return secret;
  };

  const stageHolder = (secret: StoredSecret, stage: string): StoredVersion | undefined =>
    [...secret.versions.values()].find((v) => v.stages.has(stage));

  /**
   * Attaches `stage` to `version`, taking it off the version that held it. Moving AWSCURRENT moves
   * AWSPREVIOUS to the version it left, as PutSecretValue and UpdateSecretVersionStage document.
   */
  const attach = (secret: StoredSecret, stage: string, version: StoredVersion): void => {
    const holder = stageHolder(secret, stage);
    if (holder === version) return;
    holder?.stages.delete(stage);
    version.stages.add(stage);
    if (stage === 'AWSCURRENT' && holder) attach(secret, 'AWSPREVIOUS', holder);
  };

  /** A new version holding `value` with `stages` (AWSCURRENT when none are given). */
  const addVersion = (
    secret: StoredSecret,
    value: string,
    stages: readonly string[] = ['AWSCURRENT'],
    id: string = randomUUID(),
  ): StoredVersion => {
    const version: StoredVersion = { id, value, createdAt: Date.now(), stages: new Set() };
    secret.versions.set(id, version);
    // The first version of a secret is AWSCURRENT whatever was asked for.
    const labels = secret.versions.size === 1 ? [...new Set([...stages, 'AWSCURRENT'])] : stages;
    for (const stage of labels) attach(secret, stage, version);
    secret.changedAt = version.createdAt;
    return version;
  };

  const put = (name: string, value: string | object): StoredVersion => {
    const stored = typeof value === 'string' ? value : JSON.stringify(value);
    const existing = secrets.get(name);
    if (existing) return addVersion(existing, stored);
    // Real ARNs end in a hyphen and six random characters.
    const arn = `arn:aws:secretsmanager:${region}:${ACCOUNT_ID}:secret:${name}-${randomBytes(3).toString('hex')}`;
    const secret: StoredSecret = { name, arn, createdAt: Date.now(), changedAt: 0, versions: new Map() };
    secrets.set(name, secret);
    return addVersion(secret, stored);
  };

  const stagesOf = (secret: StoredSecret): Record<string, string[]> =>
    Object.fromEntries(
      // Versions without labels are deprecated: DescribeSecret does not list them.
      [...secret.versions.values()].filter((v) => v.stages.size > 0).map((v) => [v.id, [...v.stages]]),
    );

  const optionalString = (input: Record<string, unknown>, field: string): string | undefined => {
    const value = input[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '')
      throw new AwsError('InvalidParameterException', `Invalid ${field}.`);
    return value;
  };

  const operations: Record<string, (input: Record<string, unknown>) => object> = {
    // VersionId and/or VersionStage (AWSCURRENT when neither); both must name the same version.
    GetSecretValue: (input) => {
      const secret = find(input.SecretId);
      const versionId = optionalString(input, 'VersionId');
      const stage = optionalString(input, 'VersionStage') ?? (versionId ? undefined : 'AWSCURRENT');
      const byId = versionId ? secret.versions.get(versionId) : undefined;
      const version = versionId ? byId : stageHolder(secret, stage!);
      if (!version || (stage && !version.stages.has(stage))) {
        throw new AwsError(
          'ResourceNotFoundException',
          stage
            ? `Secrets Manager can't find the specified secret value for staging label: ${stage}`
            : "Secrets Manager can't find the specified secret value for VersionId",
        );
      }
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: version.id,
        SecretString: version.value,
        VersionStages: [...version.stages],
        CreatedDate: epochSeconds(version.createdAt),
      };
    },
    DescribeSecret: (input) => {
      const secret = find(input.SecretId);
      return {
        ARN: secret.arn,
        Name: secret.name,
        CreatedDate: epochSeconds(secret.createdAt),
        LastChangedDate: epochSeconds(secret.changedAt),
        VersionIdsToStages: stagesOf(secret),
      };
    },
    // A new version (id = ClientRequestToken) with VersionStages, AWSCURRENT by default. The same
    // token with the same value is a no-op; with another value it is refused (idempotency).
    PutSecretValue: (input) => {
      const secret = find(input.SecretId);
      if (typeof input.SecretString !== 'string') {
        throw new AwsError(
          'InvalidParameterException',
          'You must provide either SecretString or SecretBinary.',
        );
      }
      const token = optionalString(input, 'ClientRequestToken') ?? randomUUID();
      const stages = input.VersionStages;
      if (stages !== undefined && (!Array.isArray(stages) || !stages.every((s) => typeof s === 'string')))
        throw new AwsError('InvalidParameterException', 'Invalid VersionStages.');
      const existing = secret.versions.get(token);
      if (existing && existing.value !== input.SecretString) {
        throw new AwsError('ResourceExistsException', 'A resource with the ID you requested already exists.');
      }
      const version =
        existing ?? addVersion(secret, input.SecretString, stages as string[] | undefined, token);
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: version.id,
        VersionStages: [...version.stages],
      };
    },
    // Moves one label: onto MoveToVersionId, off RemoveFromVersionId. A label held by another
    // version may only move when RemoveFromVersionId names that version.
    UpdateSecretVersionStage: (input) => {
      const secret = find(input.SecretId);
      const stage = optionalString(input, 'VersionStage');
      if (!stage) throw new AwsError('InvalidParameterException', 'You must provide VersionStage.');
      const moveTo = optionalString(input, 'MoveToVersionId');
      const removeFrom = optionalString(input, 'RemoveFromVersionId');
      const target = moveTo === undefined ? undefined : secret.versions.get(moveTo);
      if (moveTo !== undefined && !target)
        throw new AwsError(
          'ResourceNotFoundException',
          "Secrets Manager can't find the specified secret version.",
        );
      const holder = stageHolder(secret, stage);
      if (holder && holder !== target && holder.id !== removeFrom) {
        throw new AwsError(
          'InvalidParameterException',
          `The staging label ${stage} is currently attached to version ${holder.id}, so you must explicitly reference that version in RemoveFromVersionId.`,
        );
      }
      if (target) attach(secret, stage, target);
      else if (holder) holder.stages.delete(stage);
      secret.changedAt = Date.now();
      return { ARN: secret.arn, Name: secret.name };
    },
  };

  const send = (res: ServerResponse, status: number, payload: object, errorType?: string): void => {
    const headers: Record<string, string> = {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': randomUUID(),
    };
    if (errorType) headers['x-amzn-errortype'] = errorType;
    res.writeHead(status, headers).end(JSON.stringify(payload));
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const target = req.headers['x-amz-target'] as string | undefined;
    let input: Record<string, unknown> = {};
    const record = (outcome: string): void => {
      const authorization = req.headers.authorization;
      const accessKeyId = authorization ? /Credential=([^/]+)\//.exec(authorization)?.[1] : undefined;
      const secretId = typeof input.SecretId === 'string' ? input.SecretId : undefined;
      const contentType = req.headers['content-type'];
      log.push({ target, secretId, contentType, authorization, accessKeyId, outcome });
    };
    try {
      if (req.method !== 'POST' || req.url !== '/') throw new AwsError('UnknownOperationException', '', 404);
      let parsed: unknown;
      try {
        parsed = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
      } catch {
        parsed = undefined;
      }
      if (parsed !== null && typeof parsed === 'object') input = parsed as Record<string, unknown>;
      // AWS authenticates before it reads the payload.
      verifySignature(req, body, credentials, region);
      if (parsed === undefined) {
        throw new AwsError('SerializationException', 'Start of structure or map found where not expected.');
      }
      const operation = target?.startsWith('secretsmanager.') ? target.slice('secretsmanager.'.length) : '';
      const run = operations[operation];
      if (!run) throw new AwsError('UnknownOperationException', '');
      if (operation === 'GetSecretValue') {
        // Counted per secret name whether it was asked for by name or by ARN.
        const id = typeof input.SecretId === 'string' ? input.SecretId : '';
        const key = secrets.get(id)?.name ?? [...secrets.values()].find((s) => s.arn === id)?.name ?? id;
        callCounts.set(key, (callCounts.get(key) ?? 0) + 1);
        const failure = failures.shift();
        if (failure === 'unreachable') {
          record('dropped');
          req.socket.destroy(); // what a network failure looks like to the client: no response at all
          return;
        }
        if (failure === '500')
          throw new AwsError('InternalServiceError', 'An error occurred on the server side.', 500);
      }
      const output = run(input);
      record('ok');
      send(res, 200, output);
    } catch (error) {
      const err =
        error instanceof AwsError ? error : new AwsError('InternalServiceError', 'Internal error', 500);
      record(err.type);
      send(res, err.status, { __type: err.type, message: err.message }, err.type);
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    setSecret: (name, value) => put(name, value).id,
    deleteSecret: (name) => void secrets.delete(name),
    calls: (name) =>
      name === undefined ? [...callCounts.values()].reduce((a, b) => a + b, 0) : (callCounts.get(name) ?? 0),
    failNext: (n, kind) => failures.push(...Array.from({ length: n }, () => kind)),
    requests: () => [...log],
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // The SDK keeps connections alive; close them so `close()` does not wait for their timeout.
        server.closeAllConnections();
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on, for "Secrets Manager unreachable" cases. */
export async function closedPortEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
