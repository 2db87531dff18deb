import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The image, built and run for real (`npm run test:image`; not part of `npm test`: the first run
 * takes 10-20 minutes, later ones a few with buildah's layer cache). scripts/build-image.sh makes the
 * base image the Dockerfile names from debootstrap + Node 22 from the npm registry, builds the
 * Dockerfile with `buildah bud --isolation chroot`, runs the image's migrate command and its api
 * server against this machine's PostgreSQL and Redis, and checks health (200 from outside, and the
 * image's own HEALTHCHECK script inside), its size and its non-root user.
 */
const ROOT = resolve(__dirname, '../..');

describe('container image', () => {
  it('builds with buildah, runs against PostgreSQL and Redis, answers health 200 as a non-root user', () => {
    const buildah = spawnSync('buildah', ['--version'], { encoding: 'utf8' });
    expect(buildah.status, 'buildah is needed: apt-get install buildah debootstrap').toBe(0);
    const result = spawnSync('bash', ['scripts/build-image.sh', 'all'], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.status, output.slice(-3000)).toBe(0);
    expect(output).toMatch(/=== user: 1000:1000/);
    expect(output).toMatch(/=== size: \d+ MB \(limit \d+ MB\)/);
    expect(output).toMatch(/"url":"\/api\/system\/health","statusCode":200/);
    expect(output).toMatch(/=== health 200 from the image; HEALTHCHECK script ok; clean exit on SIGTERM/);
    expect(output).toMatch(/; console page and script 200 \(/);
  }, 3_600_000);
});
