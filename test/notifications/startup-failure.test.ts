import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_AWS_CREDENTIALS } from '../support/fake-secrets-manager';
import { spawnTs } from '../support/child-process';
import { freePort } from '../support/free-port';
import { type LocalSes, startLocalSes } from '../support/local-ses';
import { createTestDatabase, sharedServiceEnv } from '../support/services';

/** STARTUP_FAILED goes straight through SES (the database may be what failed). */
describe('a process that fails to start', () => {
  let ses: LocalSes;
  beforeAll(async () => {
    ses = await startLocalSes();
  }, 30_000);
  afterAll(async () => ses?.close());

  it('e-mails NOTIFICATION_EMAIL, then exits 1', async () => {
    // Its port is taken: listening fails.
    const database = await createTestDatabase('startfail');
    const port = await freePort();
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    const child = spawnTs(
      'src/main.ts',
      sharedServiceEnv(database.name, {
        PORT: String(port),
        ENABLE_EMAIL_NOTIFICATIONS: 'true',
        NOTIFICATION_EMAIL: 'ops@example.test',
        SES_FROM_EMAIL: 'notifications@insights.test',
        SES_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_SES: ses.url,
        PUBLIC_URL: 'http://127.0.0.1:1',
        NOTIFICATION_TOKEN_SECRET: 'test-notification-secret-0123456789abcdef',
        AWS_ACCESS_KEY_ID: FAKE_AWS_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: FAKE_AWS_CREDENTIALS.secretAccessKey,
        AWS_EC2_METADATA_DISABLED: 'true',
      }),
    );
    try {
      expect(await child.exited(60_000)).toBe(1);
    } finally {
      child.kill();
      taken.close();
      await database.drop();
    }
    const [mail] = await ses.waitFor('ops@example.test', 1, 5_000);
    expect(mail!.subject).toBe('[CRITICAL] Start-up failed');
    expect(mail!.body.text).toContain('A service process failed to start: ');
  }, 90_000);
});
