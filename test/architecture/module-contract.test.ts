import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Arg, Query, Resolver } from 'type-graphql';
import { appModules } from '../../src/app';
import { DomainError, type ErrorCode, httpStatusOf } from '../../src/core/errors';
import { composeModules, defineModule, moduleKey, resolversOf } from '../../src/core/module';
import type { Platform } from '../../src/platform/platform';
import { overSocket, socketClient } from '../security/hostile/test-schema-server';
import { startTestApp, type TestApp } from '../support/app-harness';

// Resolvers of this file: one served by a module, one that no module declares.
@Resolver()
class ProbeResolver {
  @Query(() => String, { description: 'Throws the domain error with the given code (test only).' })
  probeError(@Arg('code', () => String) code: string): string {
    throw new DomainError(code as ErrorCode, `probe refused with ${code}`, { probe: true });
  }
}

@Resolver()
class OrphanResolver {
  @Query(() => String, { description: 'Declared by no module.' })
  orphan(): string {
    return 'reached';
  }
}

const PROBE = moduleKey<{ readonly answer: number }>('probe');
const probeModule = defineModule({
  key: PROBE,
  entities: [],
  resolvers: [ProbeResolver],
  create: () => ({ resolvers: [new ProbeResolver()], exports: { answer: 42 } }),
});

const platform = {} as Platform; // the modules below use nothing of it

describe('composeModules', () => {
  it('hands a module the exports of the modules listed before it, and refuses the ones after it', async () => {
    const seen: number[] = [];
    const consumer = (name: string) =>
      defineModule({
        key: moduleKey<undefined>(name),
        entities: [],
        resolvers: [],
        create: (_p, { use }) => {
          seen.push(use(PROBE).answer);
          return { exports: undefined };
        },
      });
    await composeModules([probeModule, consumer('after')], platform);
    expect(seen).toEqual([42]);
    await expect(composeModules([consumer('before'), probeModule], platform)).rejects.toThrow(
      'module "probe" is used before it is created',
    );
  });

  it('refuses a module whose created resolvers differ from the ones it declares', async () => {
    const undeclared = defineModule({
      key: moduleKey<undefined>('sneaky'),
      entities: [],
      resolvers: [],
      create: () => ({ resolvers: [new OrphanResolver()], exports: undefined }),
    });
    await expect(composeModules([undeclared], platform)).rejects.toThrow(/sneaky.*OrphanResolver/);
    const unbuilt = defineModule({
      key: moduleKey<undefined>('lazy'),
      entities: [],
      resolvers: [ProbeResolver],
      create: () => ({ exports: undefined }),
    });
    await expect(composeModules([unbuilt], platform)).rejects.toThrow(/lazy.*ProbeResolver/);
  });

  it('derives the schema resolvers and entities from the module list alone', () => {
    const resolvers = resolversOf(appModules());
    expect(resolvers).not.toContain(OrphanResolver);
    expect(new Set(resolvers).size).toBe(resolvers.length);
    expect(resolversOf(appModules({ extraModules: [probeModule] }))).toContain(ProbeResolver);
  });
});

describe('a module in the running app', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      overrides: {
        extraModules: [probeModule],
        extraRoutes: (fastify) =>
          fastify.get<{ Params: { code: string } }>('/probe/:code', async (request) => {
            throw new DomainError(
              request.params.code as ErrorCode,
              `probe refused with ${request.params.code}`,
            );
          }),
      },
    });
  });
  afterAll(() => t?.close());

  it("serves its module's resolvers, and no resolver that no module declares", async () => {
    const served = await t.graphql('{ probeError(code: "NOT_FOUND") }');
    expect(served.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const orphan = await t.graphql('{ orphan }');
    expect(orphan.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  const CODES: ErrorCode[] = [
    'BAD_USER_INPUT',
    'NOT_FOUND',
    'FORBIDDEN',
    'RATE_LIMITED',
    'SERVICE_UNAVAILABLE',
  ];
  it.each(CODES)('a %s domain error keeps its code over HTTP routes, GraphQL and WebSocket', async (code) => {
    const route = await fetch(`${t.url}/probe/${code}`);
    expect(route.status).toBe(httpStatusOf(code));
    const routeBody = (await route.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(routeBody.errors[0]).toEqual({ message: `probe refused with ${code}`, extensions: { code } });

    const query = `{ probeError(code: "${code}") }`;
    const http = await t.graphql(query);
    expect(http.body.errors?.[0]).toMatchObject({
      message: `probe refused with ${code}`,
      extensions: { code, probe: true },
    });

    const client = socketClient(t.url);
    try {
      const socket = await overSocket(client, { query });
      expect(socket.errors?.[0]).toMatchObject({
        message: `probe refused with ${code}`,
        extensions: { code, probe: true },
      });
    } finally {
      await client.dispose();
    }
  });
});
