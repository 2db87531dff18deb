import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CountriesDocument,
  CountryHarvestDocument,
  HarvestCountryDocument,
  RecomputeRankingsDocument,
  RefreshUserDocument,
} from '../generated/graphql';
import { bearer, createKeyWithCli } from '../support/api-keys';
import { startTestApp, type TestApp } from '../support/app-harness';

/**
 * The mutations' shape: one `input`, an `XPayload` with what changed. The app runs as `api` only,
 * so the jobs these mutations queue stay queued (no worker) and their state is stable.
 */
describe('mutations take one input and return a payload', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp({ role: 'api', env: { RATE_LIMIT_ENABLED: 'false' } });
    admin = bearer((await createKeyWithCli(t.config, 'admin')).key);
  }, 60_000);
  afterAll(() => t?.close());

  it('refreshUser: the harvest asked for, queued', async () => {
    const { data, errors } = await t.execute(RefreshUserDocument, { login: 'octocat' });
    expect(errors).toBeUndefined();
    expect(data!.refreshUser.harvest).toMatchObject({
      login: 'octocat',
      status: 'QUEUED',
      trigger: 'MANUAL',
    });
    // Asked again while queued: the same harvest.
    const again = await t.execute(RefreshUserDocument, { login: 'OctoCat' });
    expect(again.data!.refreshUser.harvest.id).toBe(data!.refreshUser.harvest.id);
  });

  it('harvestCountry: the country harvest with its state as an enum, the same one within the hour', async () => {
    const { data, errors } = await t.execute(HarvestCountryDocument, { country: 'Japan' }, admin);
    expect(errors).toBeUndefined();
    const harvest = data!.harvestCountry.countryHarvest;
    expect(harvest).toMatchObject({
      country: { code: 'JP', name: 'Japan' },
      state: 'QUEUED',
      progress: { searches: 0, usersFound: 0, harvestsRequested: 0, queriesDone: 0 },
      error: null,
      finishedAt: null,
    });
    const again = await t.execute(HarvestCountryDocument, { country: 'jp' }, admin);
    expect(again.data!.harvestCountry.countryHarvest.id).toBe(harvest.id);
    const read = await t.execute(CountryHarvestDocument, { id: harvest.id }, admin);
    expect(read.data!.countryHarvest).toEqual(harvest);
  });

  it('recomputeRankings: the run queued, clientMutationId echoed; input may be omitted', async () => {
    const { data, errors } = await t.execute(
      RecomputeRankingsDocument,
      { input: { clientMutationId: 'req-1' } },
      admin,
    );
    expect(errors).toBeUndefined();
    expect(data!.recomputeRankings.clientMutationId).toBe('req-1');
    expect(data!.recomputeRankings.run).toMatchObject({
      status: 'QUEUED',
      trigger: 'MANUAL',
      rankedUsers: 0,
    });
    // While queued, a second request joins the same run.
    const joined = await t.execute(RecomputeRankingsDocument, {}, admin);
    expect(joined.errors).toBeUndefined();
    expect(joined.data!.recomputeRankings.clientMutationId).toBeNull();
    expect(joined.data!.recomputeRankings.run.id).toBe(data!.recomputeRankings.run.id);
  });

  it('countries is a bounded list, documented as such (ISO 3166-1: at most 249)', async () => {
    const { data } = await t.execute(CountriesDocument, {});
    expect(data!.countries).toEqual([]);
    const { body } = await t.graphql(
      '{ __schema { queryType { fields { name description type { kind ofType { kind } } } } } }',
    );
    const field = (
      body.data.__schema.queryType.fields as { name: string; description: string; type: unknown }[]
    ).find((f) => f.name === 'countries')!;
    expect(field.type).toEqual({ kind: 'NON_NULL', ofType: { kind: 'LIST' } });
    expect(field.description).toMatch(/at most 249/);
  });
});
