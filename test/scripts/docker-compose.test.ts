import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { envSchema } from '../../src/config/env-schema';

/**
 * There is no Docker engine on these machines, so docker-compose.yml is checked by reading it:
 * references resolve, the app gets only settings it reads, ports do not collide, start-up order holds.
 */

const ROOT = path.resolve(__dirname, '../..');

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  environment?: Record<string, unknown> | string[];
  ports?: (string | number | { published?: string | number; target?: number; host_ip?: string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  restart?: string;
  stop_grace_period?: string;
}

interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

// Docker Compose honours YAML merge keys (`<<: *anchor`); so must the parser.
const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as Compose;
const services = compose.services;
const names = Object.keys(services);

/** Settings the service reads (its zod schema), plus the AWS SDK's own credential variables. */
const APP_SETTINGS = new Set<string>([
  ...Object.keys(envSchema.shape),
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
]);

const argv = (command: Service['command']): string[] =>
  command === undefined ? [] : Array.isArray(command) ? command : command.split(/\s+/);

function env(service: Service): Record<string, string> {
  const raw = service.environment ?? {};
  if (Array.isArray(raw)) {
    return Object.fromEntries(raw.map((entry) => [entry.split('=')[0], entry.slice(entry.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v as string]));
}

function dependencies(service: Service): Record<string, string> {
  const raw = service.depends_on ?? {};
  if (Array.isArray(raw)) return Object.fromEntries(raw.map((name) => [name, 'service_started']));
  return Object.fromEntries(
    Object.entries(raw).map(([name, d]) => [name, d?.condition ?? 'service_started']),
  );
}

interface PublishedPort {
  hostIp: string;
  published: number;
  target: number;
}

function publishedPorts(service: Service): PublishedPort[] {
  return (service.ports ?? []).map((entry) => {
    if (typeof entry === 'object') {
      return {
        hostIp: entry.host_ip ?? '0.0.0.0',
        published: Number(entry.published),
        target: Number(entry.target),
      };
    }
    const parts = String(entry)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    const target = Number(parts.pop());
    const published = parts.length > 0 ? Number(parts.pop()) : target;
    return { hostIp: parts.pop() ?? '0.0.0.0', published, target };
  });
}

function durationMs(value: string): number {
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(amount) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
  }
  return total;
}

/** Services built from this repository's Dockerfile: the application in one role or another. */
const appServices = names.filter((name) => services[name].build !== undefined);
const roleOf = (name: string) => argv(services[name].command).slice(-1)[0];

describe('docker-compose.yml', () => {
  it('declares the backing services on the intended versions', () => {
    expect(services.postgres?.image).toMatch(/^postgres:16(\b|$)/);
    expect(services.valkey?.image).toMatch(/^valkey\/valkey:8(\b|$)/);
    expect(argv(services.ses?.command).join(' ')).toMatch(/aws-ses-v2-local(@[\d.]+)? .*--port 8005/);
    expect(argv(services.postgres?.healthcheck?.test).join(' ')).toContain('pg_isready');
    expect(argv(services.valkey?.healthcheck?.test).join(' ')).toMatch(/(valkey|redis)-cli ping/);
  });

  it('runs the application image as migrate, api and worker', () => {
    expect(appServices.sort()).toEqual(['api', 'migrate', 'worker']);
    for (const name of appServices) {
      const build = services[name].build;
      const context = typeof build === 'string' ? build : (build?.context ?? '.');
      const dockerfile = typeof build === 'object' && build.dockerfile ? build.dockerfile : 'Dockerfile';
      expect(existsSync(path.join(ROOT, context, dockerfile)), `${name}: ${dockerfile}`).toBe(true);
      expect(argv(services[name].command).slice(0, 2), name).toEqual(['node', 'dist/src/main.js']);
      expect(roleOf(name), name).toBe(name);
    }
  });

  it('has every depends_on target declared, with a condition that target can meet', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [target, condition] of Object.entries(dependencies(service))) {
        expect(names, `${name} depends on ${target}`).toContain(target);
        expect(['service_started', 'service_healthy', 'service_completed_successfully']).toContain(condition);
        const dependency = services[target];
        if (condition === 'service_healthy') {
          // Either its own healthcheck, or the image's HEALTHCHECK for our own image.
          const hasCheck = dependency.healthcheck
            ? !dependency.healthcheck.disable
            : dependency.build !== undefined;
          expect(hasCheck, `${target} has a health check for ${name} to wait on`).toBe(true);
        }
        if (condition === 'service_completed_successfully') {
          expect(dependency.restart, `${target} is one-shot`).toBe('no');
        }
      }
    }
  });

  it('starts in order without cycles: backing services healthy, then migrate, then api and worker', () => {
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string, trail: string[]) => {
      if (done.has(name)) return;
      expect(visiting.has(name), `cycle: ${[...trail, name].join(' -> ')}`).toBe(false);
      visiting.add(name);
      for (const target of Object.keys(dependencies(services[name]))) visit(target, [...trail, name]);
      visiting.delete(name);
      done.add(name);
    };
    for (const name of names) visit(name, []);

    expect(dependencies(services.migrate)).toMatchObject({ postgres: 'service_healthy' });
    for (const name of ['api', 'worker']) {
      expect(dependencies(services[name]), name).toMatchObject({
        postgres: 'service_healthy',
        valkey: 'service_healthy',
        migrate: 'service_completed_successfully',
      });
    }
  });

  it('gives the application only settings it reads, as strings', () => {
    for (const name of appServices) {
      for (const [key, value] of Object.entries(env(services[name]))) {
        expect(APP_SETTINGS.has(key), `${name}: ${key} is a setting the service reads`).toBe(true);
        // Compose rejects unquoted booleans in environment maps; numbers would work, strings always do.
        expect(typeof value, `${name}: ${key} is a string`).toBe('string');
      }
    }
  });

  it('points the application at the services declared here, with matching credentials and ports', () => {
    const pg = env(services.postgres);
    const ses = publishedPorts(services.ses)[0];
    for (const name of appServices) {
      const e = env(services[name]);
      expect(names, `${name}: DB_HOST`).toContain(e.DB_HOST);
      expect(names, `${name}: REDIS_HOST`).toContain(e.REDIS_HOST);
      expect(Number(e.DB_PORT ?? 5432)).toBe(5432);
      expect(Number(e.REDIS_PORT ?? 6379)).toBe(6379);
      expect(e.DB_USER).toBe(pg.POSTGRES_USER ?? 'postgres');
      expect(e.DB_PASSWORD).toBe(pg.POSTGRES_PASSWORD);
      expect(e.DB_NAME).toBe(pg.POSTGRES_DB ?? e.DB_USER);
      const sesUrl = new URL(e.AWS_ENDPOINT_URL_SES);
      expect(names, `${name}: AWS_ENDPOINT_URL_SES host`).toContain(sesUrl.hostname);
      expect(Number(sesUrl.port)).toBe(ses.target);
    }
  });

  it('publishes host ports that do not collide with each other or with servers already on this machine', () => {
    const all = Object.entries(services).flatMap(([name, s]) =>
      publishedPorts(s).map((p) => ({ name, ...p })),
    );
    const seen = new Map<number, string>();
    for (const p of all) {
      expect(Number.isInteger(p.published) && p.published > 0, `${p.name}: published port`).toBe(true);
      expect(
        seen.get(p.published),
        `${p.name} and ${seen.get(p.published)} both publish ${p.published}`,
      ).toBeUndefined();
      seen.set(p.published, p.name);
      expect([5432, 6379], `${p.name}: ${p.published} would shadow a local server`).not.toContain(
        p.published,
      );
    }
    expect(seen.get(8005)).toBe('ses');
  });

  it('publishes the API on the port it listens on, and only the api role serves HTTP', () => {
    const api = publishedPorts(services.api);
    expect(api).toHaveLength(1);
    expect(api[0].target).toBe(Number(env(services.api).PORT ?? 4000));
    expect(publishedPorts(services.worker)).toEqual([]);
    // The image's HTTP HEALTHCHECK cannot pass in a role that serves no HTTP.
    for (const name of ['worker', 'migrate']) expect(services[name].healthcheck?.disable, name).toBe(true);
  });

  it('gives the application time to drain on stop', () => {
    for (const name of ['api', 'worker']) {
      const grace = durationMs(services[name].stop_grace_period ?? '10s');
      const drain = Number(env(services[name]).SHUTDOWN_TIMEOUT_MS ?? 15_000);
      expect(grace, name).toBeGreaterThan(drain);
    }
  });

  it('declares every named volume it mounts', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const mount of (service as { volumes?: string[] }).volumes ?? []) {
        const source = String(mount).split(':')[0];
        if (source.startsWith('.') || source.startsWith('/')) continue;
        expect(Object.keys(compose.volumes ?? {}), `${name}: volume ${source}`).toContain(source);
      }
    }
  });
});
