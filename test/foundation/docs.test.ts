import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../../src/config/env-schema';
import { ERROR_CODES, type ErrorCode, httpStatusOf } from '../../src/core/errors';

const root = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

describe('documentation covers every knob', () => {
  it('README documents every setting of the configuration schema', () => {
    const readme = read('README.md');
    const missing = Object.keys(envSchema.shape).filter(
      (key) => !readme.includes(`\`${key}\``) && !readme.includes(`${key}\``),
    );
    expect(missing).toEqual([]);
  });

  it('docs/errors.md lists every error code with the HTTP status REST routes answer it with', () => {
    const doc = read('docs/errors.md');
    const documented = Object.fromEntries(
      [...doc.matchAll(/^\| `([A-Z_]+)`\s*\| (\d{3})\s*\|/gm)].map((m) => [m[1], Number(m[2])]),
    );
    const expected = Object.fromEntries(
      (Object.keys(ERROR_CODES) as ErrorCode[]).map((code) => [code, httpStatusOf(code)]),
    );
    expect(documented).toEqual(expected);
  });
});
