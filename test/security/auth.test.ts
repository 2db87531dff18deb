import {
  getNamedType,
  type GraphQLArgument,
  type GraphQLInputType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';
import { createClient } from 'graphql-ws';
import { Client } from 'pg';
import { getMetadataStorage } from 'type-graphql';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runApiKeyCommand } from '../../src/cli/apikey.command';
import { buildAppSchema } from '../../src/graphql/schema';
import { appModules } from '../../src/app';
import { resolversOf } from '../../src/core/module';
import { createMemoryPubSub } from '../../src/platform/pubsub/pubsub';
import { createLogger } from '../../src/platform/logging/logger';
import { bearer, createKeyWithCli } from '../support/api-keys';
import { LogCapture, startTestApp, type TestApp } from '../support/app-harness';
import { SHARED_PG } from '../support/services';

const ROLES = ['reader', 'operator', 'admin'] as const;
type Role = (typeof ROLES)[number];
/** Mutations anyone may call (the old API was public); every other mutation must be @Authorized. */
/**
 * Mutations anonymous callers may send. The notification ones decide by a signed per-recipient token
 * in their input (docs/notifications.md), or an operator key, and refuse with FORBIDDEN otherwise
 * (test/notifications).
 */
const PUBLIC_MUTATIONS = new Set<string>([
  'refreshUser',
  'updateNotificationSettings',
  'sendTestNotification',
  'unsubscribe',
]);
/**
 * A document reaching each @Authorized field of an object type (root fields are found on their own).
 * A new protected field fails the coverage test until it is listed here.
 */
const NESTED_FIELD_QUERIES: Record<string, string> = {
  'ComponentHealth.message': '{ systemHealth { components { message } } }',
  'ComponentHealth.details': '{ systemHealth { components { details } } }',
};

let t: TestApp;
const keys = {} as Record<Role, string>;

beforeAll(async () => {
  t = await startTestApp();
  for (const role of ROLES) keys[role] = (await createKeyWithCli(t.config, role)).key;
});
afterAll(() => t?.close());

/** A literal for an argument type: the smallest value GraphQL validation accepts. */
function literal(type: GraphQLInputType): string {
  if (isNonNullType(type)) return literal(type.ofType);
  if (isListType(type)) return `[${literal(type.ofType)}]`;
  if (isEnumType(type)) return type.getValues()[0].name;
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter((f) => isNonNullType(f.type));
    return `{ ${fields.map((f) => `${f.name}: ${literal(f.type)}`).join(', ')} }`;
  }
  if (isScalarType(type))
    return ({ Int: '1', Float: '1', Boolean: 'true' } as Record<string, string>)[type.name] ?? '"x"';
  throw new Error('unsupported argument type');
}

interface ProtectedField {
  operation: 'query' | 'mutation';
  name: string;
  minRole: Role;
  document: string;
}

/** Every root field with @Authorized, from type-graphql's metadata, with a document that reaches it. */
async function protectedRootFields(): Promise<{ fields: ProtectedField[]; publicMutations: string[] }> {
  const schema = await buildAppSchema({
    resolvers: resolversOf(appModules()),
    pubSub: createMemoryPubSub(createLogger('silent')),
  });
  const storage = getMetadataStorage();
  const fields: ProtectedField[] = [];
  const publicMutations: string[] = [];
  for (const [operation, list] of [
    ['query', storage.queries],
    ['mutation', storage.mutations],
  ] as const) {
    const rootType = operation === 'query' ? schema.getQueryType()! : schema.getMutationType();
    for (const meta of list) {
      const field = rootType?.getFields()[meta.schemaName];
      if (!field) continue;
      if (!meta.roles) {
        if (operation === 'mutation') publicMutations.push(meta.schemaName);
        continue;
      }
      const args = field.args.filter((a: GraphQLArgument) => isNonNullType(a.type));
      const argText = args.length ? `(${args.map((a) => `${a.name}: ${literal(a.type)}`).join(', ')})` : '';
      const named = getNamedType(field.type);
      const selection = 'getFields' in named ? ' { __typename }' : '';
      const minRole = (
        meta.roles.length
          ? meta.roles.reduce((a: Role, b: Role) => (ROLES.indexOf(a) < ROLES.indexOf(b) ? a : b))
          : 'reader'
      ) as Role;
      fields.push({
        operation,
        name: meta.schemaName,
        minRole,
        document: `${operation} { ${meta.schemaName}${argText}${selection} }`,
      });
    }
  }
  return { fields, publicMutations };
}

describe('authorization', () => {
  it('every mutation is @Authorized unless it is on the public list', async () => {
    const { publicMutations } = await protectedRootFields();
    expect(publicMutations.filter((m) => !PUBLIC_MUTATIONS.has(m))).toEqual([]);
  });

  it('every protected field of an object type is reachable by a listed query and refuses lower roles', async () => {
    const storage = getMetadataStorage();
    const resolverClasses = new Set<unknown>(resolversOf(appModules()));
    const nested = storage.authorizedFields.filter((f) => !resolverClasses.has(f.target));
    const names = nested.map((f) => {
      const type = storage.objectTypes.find((o) => o.target === f.target);
      return { name: `${type?.name}.${f.fieldName}`, roles: f.roles as Role[] };
    });
    expect(names.map((n) => n.name).filter((n) => !(n in NESTED_FIELD_QUERIES))).toEqual([]);
    // And the other way round: a field meant to be protected that lost its @Authorized fails here.
    expect(Object.keys(NESTED_FIELD_QUERIES).filter((n) => !names.some((m) => m.name === n))).toEqual([]);
    for (const { name, roles } of names) {
      const document = NESTED_FIELD_QUERIES[name];
      const minRole = roles.length
        ? roles.reduce((a, b) => (ROLES.indexOf(a) < ROLES.indexOf(b) ? a : b))
        : 'reader';
      expect((await t.graphql(document)).body.errors?.[0].extensions?.code, `${name} anonymous`).toBe(
        'UNAUTHENTICATED',
      );
      for (const role of ROLES) {
        const res = await t.graphql(document, undefined, bearer(keys[role]));
        if (ROLES.indexOf(role) < ROLES.indexOf(minRole))
          expect(res.body.errors?.[0].extensions?.code, `${name} as ${role}`).toBe('FORBIDDEN');
        else expect(res.body.errors, `${name} as ${role}`).toBeUndefined();
      }
    }
  });

  it('every protected field refuses anonymous callers and lower roles, and admits its role', async () => {
    const { fields } = await protectedRootFields();
    expect(fields.length).toBeGreaterThanOrEqual(3);
    for (const field of fields) {
      const anonymous = await t.graphql(field.document);
      expect(anonymous.body.errors?.[0].extensions?.code, `${field.name} anonymous`).toBe('UNAUTHENTICATED');
      for (const role of ROLES) {
        const res = await t.graphql(field.document, undefined, bearer(keys[role]));
        const code = res.body.errors?.[0].extensions?.code;
        if (ROLES.indexOf(role) < ROLES.indexOf(field.minRole))
          expect(code, `${field.name} as ${role}`).toBe('FORBIDDEN');
        else expect(['UNAUTHENTICATED', 'FORBIDDEN'], `${field.name} as ${role}`).not.toContain(code);
      }
    }
  });

  it('an admin manages keys over GraphQL; the key is shown once and never stored in the clear', async () => {
    const created = await t.graphql(
      'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id prefix role status expiresAt } } }',
      { input: { name: 'frontend', role: 'READER', expiresInDays: 30 } },
      bearer(keys.admin),
    );
    expect(created.body.errors).toBeUndefined();
    const { key, apiKey } = created.body.data.createApiKey;
    expect(key).toMatch(/^gia_[0-9A-Za-z]{8}_[0-9A-Za-z]{32}$/);
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    expect(apiKey).toMatchObject({ role: 'READER', status: 'ACTIVE' });

    const viewer = await t.graphql('{ viewer { authenticated role keyPrefix } }', undefined, bearer(key));
    expect(viewer.body.data.viewer).toEqual({
      authenticated: true,
      role: 'READER',
      keyPrefix: apiKey.prefix,
    });

    const db = new Client({ ...SHARED_PG, database: t.config.database.name });
    await db.connect();
    try {
      const { rows } = await db.query('select * from api_key where id = $1', [apiKey.id]);
      expect(JSON.stringify(rows)).not.toContain(key.split('_')[2]);
    } finally {
      await db.end();
    }

    const listed = await t.graphql(
      '{ apiKeys(first: 100) { totalCount nodes { prefix } } }',
      undefined,
      bearer(keys.admin),
    );
    const forged = Buffer.from(JSON.stringify(['not a date', 'x'])).toString('base64url');
    const badCursor = await t.graphql(
      `{ apiKeys(after: "${forged}") { totalCount } }`,
      undefined,
      bearer(keys.admin),
    );
    expect(badCursor.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(listed.body.data.apiKeys.nodes.map((n: { prefix: string }) => n.prefix)).toContain(apiKey.prefix);
    expect(JSON.stringify(listed.body)).not.toContain(key);

    const revoked = await t.graphql(
      'mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { status revokedAt } } }',
      { input: { idOrPrefix: apiKey.prefix } },
      bearer(keys.admin),
    );
    expect(revoked.body.data.revokeApiKey.apiKey.status).toBe('REVOKED');
    const refused = await t.graphql('{ viewer { authenticated } }', undefined, bearer(key));
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0]).toMatchObject({
      message: expect.stringContaining('revoked'),
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });

  it('refuses an expired key, an unknown key and a malformed Authorization header with 401', async () => {
    const { key, prefix } = await createKeyWithCli(t.config, 'reader', 'short-lived', [
      '--expires-in-days',
      '1',
    ]);
    const db = new Client({ ...SHARED_PG, database: t.config.database.name });
    await db.connect();
    await db.query(`update api_key set expires_at = now() - interval '1 second' where prefix = $1`, [prefix]);
    await db.end();
    for (const [headers, text] of [
      [bearer(key), 'expired'],
      [bearer(`gia_AAAAAAAA_${'B'.repeat(32)}`), 'not recognised'],
      [{ authorization: 'Basic dXNlcjpwYXNz' }, 'Bearer'],
      [bearer('not-a-key'), 'not recognised'],
    ] as const) {
      const res = await t.graphql('{ viewer { authenticated } }', undefined, headers);
      expect(res.status).toBe(401);
      expect(res.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect(res.body.errors?.[0].message).toContain(text);
    }
  });

  it('anonymous callers can read public fields', async () => {
    const res = await t.graphql('{ viewer { authenticated role } }');
    expect(res.body.data.viewer).toEqual({ authenticated: false, role: null });
  });

  it('takes the key from connectionParams over WebSocket and refuses a revoked one', async () => {
    const url = `${t.url.replace('http', 'ws')}/graphql`;
    const run = (connectionParams: Record<string, unknown>) =>
      new Promise<unknown>((resolve, reject) => {
        const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams });
        let value: unknown;
        client.subscribe(
          { query: '{ viewer { authenticated role } }' },
          {
            next: (v) => (value = v),
            error: (e) => (void client.dispose(), reject(e)),
            complete: () => (void client.dispose(), resolve(value)),
          },
        );
      });
    expect(await run({ authorization: `Bearer ${keys.operator}` })).toEqual({
      data: { viewer: { authenticated: true, role: 'OPERATOR' } },
    });

    const { key, prefix } = await createKeyWithCli(t.config, 'reader', 'to revoke');
    const lines: string[] = [];
    expect(
      await runApiKeyCommand(
        t.config,
        new LogCapture('warn').logger,
        ['revoke', prefix],
        (l) => lines.push(l),
        () => {},
      ),
    ).toBe(0);
    expect(lines[0]).toContain(`revoked ${prefix}`);
    const closed = await run({ apiKey: key }).then(
      () => undefined,
      (e: { code?: number }) => e,
    );
    expect(closed).toMatchObject({ code: 4403 });

    // A key revoked while its connection is open is refused from the next operation on.
    const { key: live, prefix: livePrefix } = await createKeyWithCli(
      t.config,
      'reader',
      'revoked while connected',
    );
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false, // one connection stays open across both operations
      connectionParams: { apiKey: live },
    });
    const once = () =>
      new Promise<unknown>((resolve) => {
        let value: unknown;
        client.subscribe(
          { query: '{ viewer { role } }' },
          { next: (v) => (value = v), error: (e) => resolve(e), complete: () => resolve(value) },
        );
      });
    try {
      expect(await once()).toEqual({ data: { viewer: { role: 'READER' } } });
      await runApiKeyCommand(
        t.config,
        new LogCapture('warn').logger,
        ['revoke', livePrefix],
        () => {},
        () => {},
      );
      const refused = (await once()) as { extensions?: { code?: string } }[];
      expect(refused[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      await client.dispose();
    }
  });

  it('the CLI lists keys without showing them and rejects bad arguments', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const logger = new LogCapture('warn').logger;
    expect(
      await runApiKeyCommand(
        t.config,
        logger,
        ['list'],
        (l) => out.push(l),
        (l) => err.push(l),
      ),
    ).toBe(0);
    expect(out.some((l) => l.includes('admin') && l.includes('active'))).toBe(true);
    expect(out.join('\n')).not.toContain(keys.admin);
    expect(
      await runApiKeyCommand(
        t.config,
        logger,
        ['create', '--name', 'x', '--role', 'root'],
        () => {},
        (l) => err.push(l),
      ),
    ).toBe(64);
    expect(
      await runApiKeyCommand(
        t.config,
        logger,
        ['revoke', 'gia_nothere0'],
        () => {},
        (l) => err.push(l),
      ),
    ).toBe(1);
    expect(err.join('\n')).toContain('No API key');
  });
});
