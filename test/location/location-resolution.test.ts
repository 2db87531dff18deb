import { beforeAll, describe, expect, it } from 'vitest';
import {
  createLocationResolver,
  type LocationMatch,
  type LocationResolver,
} from '../../src/modules/location';
import { LOCATION_CASES } from './location-cases';

interface Outcome {
  readonly input: string;
  readonly expected: string | null;
  readonly got: LocationMatch | null;
}

describe('location resolution against real-world GitHub locations', () => {
  let resolver: LocationResolver;
  let outcomes: Outcome[];

  beforeAll(() => {
    resolver = createLocationResolver();
    outcomes = LOCATION_CASES.map(([input, expected]) => ({
      input,
      expected,
      got: resolver.resolveLocation(input),
    }));
  });

  it('has a table of at least 120 locations, with codes and nulls', () => {
    expect(LOCATION_CASES.length).toBeGreaterThanOrEqual(120);
    expect(new Set(LOCATION_CASES.map(([input]) => input)).size).toBe(LOCATION_CASES.length);
    const expectedCodes = new Set(LOCATION_CASES.map(([, expected]) => expected).filter(Boolean));
    expect(expectedCodes.size).toBeGreaterThanOrEqual(60);
    expect(LOCATION_CASES.filter(([, expected]) => expected === null).length).toBeGreaterThanOrEqual(30);
  });

  it('is at least 95% right, never names a country where none is meant, never names the wrong one', () => {
    const right = outcomes.filter((o) => (o.got?.code ?? null) === o.expected);
    const missed = outcomes.filter((o) => o.expected !== null && o.got === null);
    const inventedWhereNone = outcomes.filter((o) => o.expected === null && o.got !== null);
    const wrongCountry = outcomes.filter(
      (o) => o.expected !== null && o.got !== null && o.got.code !== o.expected,
    );
    const accuracy = right.length / outcomes.length;
    console.log(
      `location accuracy: ${right.length}/${outcomes.length} = ${(accuracy * 100).toFixed(1)}% ` +
        `(missed: ${missed.length}, country where none is meant: ${inventedWhereNone.length}, ` +
        `wrong country: ${wrongCountry.length})`,
    );
    for (const o of [...missed, ...inventedWhereNone, ...wrongCountry]) {
      console.log(`  ${JSON.stringify(o.input)}: expected ${o.expected}, got ${JSON.stringify(o.got)}`);
    }
    expect(inventedWhereNone.map((o) => o.input)).toEqual([]);
    expect(wrongCountry.map((o) => o.input)).toEqual([]);
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it('reports how the country was found and which words decided it', () => {
    expect(resolver.resolveLocation('🇯🇵 Tokyo')).toEqual({ code: 'JP', method: 'flag', matched: '🇯🇵' });
    expect(resolver.resolveLocation('São Paulo, Brasil')).toEqual({
      code: 'BR',
      method: 'country-name',
      matched: 'Brasil',
    });
    expect(resolver.resolveLocation('Berlin, DE')).toEqual({
      code: 'DE',
      method: 'country-code',
      matched: 'DE',
    });
    expect(resolver.resolveLocation('Austin, TX')).toEqual({
      code: 'US',
      method: 'subdivision',
      matched: 'TX',
    });
    expect(resolver.resolveLocation('SF Bay Area')).toEqual({
      code: 'US',
      method: 'alias',
      matched: 'SF Bay Area',
    });
    expect(resolver.resolveLocation('Lagos, Nigeria')?.method).toBe('country-name');
    expect(resolver.resolveLocation('Kraków')).toEqual({ code: 'PL', method: 'city', matched: 'Kraków' });
  });

  it('lets an explicit country or state override the most populous same-named city', () => {
    expect(resolver.resolveLocation('Paris')?.code).toBe('FR');
    expect(resolver.resolveLocation('Paris, TX')?.code).toBe('US');
    expect(resolver.resolveLocation('Paris, France')?.code).toBe('FR');
    expect(resolver.resolveLocation('London')?.code).toBe('GB');
    expect(resolver.resolveLocation('London, Ontario')?.code).toBe('CA');
    expect(resolver.resolveLocation('Vancouver, WA')?.code).toBe('US');
  });

  it('reads two-letter words as codes only where they are written as codes', () => {
    expect(resolver.resolveLocation('Chennai, IN')?.code).toBe('IN');
    expect(resolver.resolveLocation('Indianapolis, IN')?.code).toBe('US');
    expect(resolver.resolveLocation('Portland, OR')?.code).toBe('US');
    expect(resolver.resolveLocation('Portland, ME')?.code).toBe('US');
    expect(resolver.resolveLocation('Podgorica, ME')?.code).toBe('ME');
    expect(resolver.resolveLocation('I LIVE IN GERMANY')?.code).toBe('DE');
    expect(resolver.resolveLocation('IT')?.code).toBe('IT');
    expect(resolver.resolveLocation('IT consultant in Berlin')?.code).toBe('DE');
    expect(resolver.resolveLocation('TX')).toBeNull();
  });

  it('treats regions as limits, not countries', () => {
    expect(resolver.resolveLocation('EU/US')).toBeNull();
    expect(resolver.resolveLocation('Asia/Tokyo')?.code).toBe('JP');
    expect(resolver.resolveLocation('Berlin, Germany, Europe')?.code).toBe('DE');
  });

  it('accepts null, undefined and very long input', () => {
    expect(resolver.resolveLocation(null)).toBeNull();
    expect(resolver.resolveLocation(undefined)).toBeNull();
    expect(resolver.resolveLocation(`${'x'.repeat(10_000)} Berlin`)).toBeNull();
  });
});
