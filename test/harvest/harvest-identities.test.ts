import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { STANDARD_LOGINS } from '../support/fake-github';
import { type HarvestKit, startHarvestKit } from './harvest-kit';

/**
 * Who a login is, as GitHub documents it: an organization answers GET /users/{login} (GraphQL
 * `user(login:)` does not know it), logins from before today's sign-up rules exist, and a
 * renamed developer's former login 404s while GET /user/{id} still finds them. The whole app
 * (refreshUser, queue, worker, PostgreSQL) against the stand-in.
 */
let kit: HarvestKit;
vi.setConfig({ testTimeout: 60_000 });

beforeAll(async () => {
  kit = await startHarvestKit();
}, 120_000);

afterAll(async () => {
  await kit?.close();
});

const sql = (query: string, params: unknown[] = []): Promise<Record<string, unknown>[]> =>
  kit.em().getConnection().execute(query, params);

describe('identities GitHub serves', () => {
  it('recognises an organization from the first answer: one attempt, at most 2 points, a clear outcome', async () => {
    kit.fake.counters.reset();
    const job = await kit.refresh(STANDARD_LOGINS.organization);
    const done = await kit.finished(job.id);
    expect(done).toMatchObject({ status: 'ORGANIZATION', attempts: 1 });
    expect(kit.fake.counters.pointsSpent()).toBeLessThanOrEqual(2);
    expect(
      await sql('select id from github_user where login_key = ?', [STANDARD_LOGINS.organization]),
    ).toEqual([]);
    // Asked again: answered from the record, no GitHub call.
    kit.fake.counters.reset();
    const again = await kit.refresh(STANDARD_LOGINS.organization);
    expect(again).toMatchObject({ id: job.id, status: 'ORGANIZATION' });
    expect(kit.fake.counters.total).toBe(0);
  });

  it.each([STANDARD_LOGINS.trailingHyphen, STANDARD_LOGINS.doubleHyphen, STANDARD_LOGINS.managedUser])(
    'harvests the legacy login %s',
    async (login) => {
      const job = await kit.refresh(login);
      expect(await kit.finished(job.id)).toMatchObject({ status: 'COMPLETED' });
      const [row] = await sql('select login from github_user where login_key = ?', [login.toLowerCase()]);
      expect(row).toEqual({ login });
    },
  );

  it('finds a renamed developer by GitHub id when the stored login 404s, and stores the new login', async () => {
    const served = kit.fake.data.users.find((u) => u.login === STANDARD_LOGINS.renamed)!;
    const first = await kit.refresh(STANDARD_LOGINS.renamed);
    expect(await kit.finished(first.id)).toMatchObject({ status: 'COMPLETED' });
    const [stored] = await sql('select id from github_user where github_id = ?', [served.id]);

    served.previousLogins.push(served.login); // GitHub renames the account
    served.login = 'renamed-dev-now';
    try {
      const again = await kit.refresh(STANDARD_LOGINS.renamed);
      expect(await kit.finished(again.id)).toMatchObject({ status: 'COMPLETED' });
      expect(
        await sql('select id, login, login_key from github_user where github_id = ?', [served.id]),
      ).toEqual([{ id: stored!.id, login: 'renamed-dev-now', login_key: 'renamed-dev-now' }]);
    } finally {
      served.login = STANDARD_LOGINS.renamed;
      served.previousLogins.pop();
    }
  });

  it("stores an opted-in developer's private contributions apart (restricted_contributions)", async () => {
    const served = kit.fake.data.users.find((u) => u.login === STANDARD_LOGINS.privateContributor)!;
    const job = await kit.refresh(served.login);
    expect(await kit.finished(job.id)).toMatchObject({ status: 'COMPLETED' });
    const [row] = await sql('select restricted_contributions from github_user where login_key = ?', [
      served.login,
    ]);
    expect(row!.restricted_contributions).toBeGreaterThan(0);
  });
});
