import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../../src/config/env-schema';
import { ERROR_CODES } from '../../src/core/errors';

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

  it('docs/errors.md lists every error code', () => {
    const doc = read('docs/errors.md');
    expect(Object.keys(ERROR_CODES).filter((code) => !doc.includes(`\`${code}\``))).toEqual([]);
  });
});
