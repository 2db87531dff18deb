import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { probePort } from '../support/free-port';

interface Held {
  redisPort: number;
  postgresPort: number;
  postgresDir: string;
}

describe('throw-away servers outlive no owner', () => {
  it('are stopped and removed when the process that started them is killed without dispose()', async () => {
    const fixture = path.join(__dirname, 'fixtures', 'hold-throwaway-servers.ts');
    const holder = spawn(process.execPath, ['--import', 'tsx', fixture], {
      cwd: path.resolve(__dirname, '../..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: holder.stdout }).once('line', resolve);
        holder.once('exit', (code) => reject(new Error(`fixture exited early (code ${code})`)));
      });
      const held = JSON.parse(line) as Held;
      expect(await probePort(held.redisPort)).toBe('open');
      expect(await probePort(held.postgresPort)).toBe('open');

      holder.kill('SIGKILL');

      await expect
        .poll(
          async () => ({
            redis: await probePort(held.redisPort),
            postgres: await probePort(held.postgresPort),
            dirExists: existsSync(held.postgresDir),
          }),
          { timeout: 15_000, interval: 200 },
        )
        .toEqual({ redis: 'refused', postgres: 'refused', dirExists: false });
    } finally {
      if (holder.exitCode === null && holder.signalCode === null) holder.kill('SIGKILL');
    }
  }, 60_000);
});
