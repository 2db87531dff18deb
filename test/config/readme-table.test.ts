import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema, type EnvKey } from '../../src/config/env-schema';
import { SECRET_FIELDS, type SecretKind } from '../../src/config/secret-mapping';

// README's configuration table against the schema: one row per setting, the default the schema
// applies, and the secret field that can carry it. (test/foundation/docs.test.ts checks that each
// setting is mentioned at all.)

const README = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');

interface Row {
  readonly key: string;
  readonly default: string;
  readonly source: string;
}

/** The table under "## Configuration"; a row may document two settings (`A` / `B`, default `1` / `2`). */
function tableRows(): Row[] {
  const section = README.slice(README.indexOf('## Configuration'));
  const lines = section.slice(0, section.indexOf('\n## ')).split('\n');
  return lines
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => {
      const [variable = '', defaults = '', source = ''] = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      const keys = variable.split(' / ').map((k) => k.replace(/`/g, ''));
      const values = defaults.split(' / ');
      return keys.map((key, i) => ({
        key,
        default: keys.length === values.length ? values[i]! : defaults,
        source,
      }));
    });
}

const rows = tableRows();
const row = (key: string): Row | undefined => rows.find((r) => r.key === key);
const KEYS = Object.keys(envSchema.shape) as EnvKey[];
const DEFAULTS: Partial<Record<EnvKey, unknown>> = envSchema.parse({});
const SECRET_LABEL: Record<SecretKind, string> = {
  database: 'db',
  redis: 'redis',
  github: 'github',
  ses: 'ses',
};

describe('README configuration table', () => {
  it('has one row per setting of the schema, and none for a setting it does not have', () => {
    expect(rows.length).toBeGreaterThan(50);
    expect(KEYS.filter((key) => rows.filter((r) => r.key === key).length !== 1)).toEqual([]);
    expect(rows.map((r) => r.key).filter((key) => !(key in envSchema.shape))).toEqual([]);
  });

  it('gives the default the schema applies, and no literal value where there is none', () => {
    const wrong = KEYS.flatMap((key) => {
      const documented = row(key)?.default ?? '';
      const literal = /^`([^`]*)`/.exec(documented)?.[1];
      const actual = DEFAULTS[key];
      if (actual === undefined) {
        // "none", "on unless production", or another setting whose value it takes (`AWS_REGION`).
        return literal === undefined || literal in envSchema.shape ? [] : [`${key}: ${documented}`];
      }
      return literal === String(actual) ? [] : [`${key}: README ${documented}, schema ${String(actual)}`];
    });
    expect(wrong).toEqual([]);
  });

  it('names the secret field each setting can come from, and "env" alone for the others', () => {
    const carriers = new Map<string, { kind: SecretKind; field: string }>();
    for (const [kind, fields] of Object.entries(SECRET_FIELDS) as [SecretKind, Record<string, EnvKey>][]) {
      for (const [field, key] of Object.entries(fields)) carriers.set(key, { kind, field });
    }
    const wrong = KEYS.flatMap((key) => {
      const source = row(key)?.source ?? '';
      const carrier = carriers.get(key);
      const ok = carrier
        ? source.startsWith(`env, ${SECRET_LABEL[carrier.kind]} secret `) &&
          source.includes(`\`${carrier.field}\``)
        : source === 'env';
      return ok ? [] : [`${key}: ${source}`];
    });
    expect(wrong).toEqual([]);
  });
});
