import type { Mention } from './location-matcher';
import type { CountryCode, LocationMatch, LocationMatchMethod } from './location.types';

export interface DecisionOptions {
  /**
   * A city on its own (no country, state or code next to it) counts only from this population up:
   * smaller towns share their names with ordinary words and with towns elsewhere.
   */
  readonly soloCityMinPopulation: number;
  /**
   * How many times likelier the chosen country must be than the runner-up. A lone "Paris" is France
   * (2.1M against Paris, Texas' 25k); a lone "Cambridge" (UK 146k, Canada 130k, US 110k) is none.
   */
  readonly ambiguityRatio: number;
  /** In several cities without a country, each must make the chosen country at least this likely. */
  readonly minCityShare: number;
}

export const DEFAULT_DECISION_OPTIONS: DecisionOptions = {
  soloCityMinPopulation: 15_000,
  ambiguityRatio: 3,
  minCityShare: 0.1,
};

/** What one mention says about one country. */
interface Evidence {
  weight: number;
  population: number;
  method: LocationMatchMethod;
  text: string;
}

type Summary = Map<CountryCode, Evidence>;

const METHOD_ORDER: Readonly<Record<LocationMatchMethod, number>> = {
  flag: 0,
  'country-name': 1,
  'country-code': 2,
  subdivision: 3,
  alias: 4,
  city: 5,
};

function inRegions(code: CountryCode, regions: readonly ReadonlySet<CountryCode>[]): boolean {
  for (const region of regions) if (!region.has(code)) return false;
  return true;
}

/** Per country, the strongest evidence of one mention, among readings big enough and inside the regions. */
function summarize(
  mention: Mention,
  minPopulation: number,
  regions: readonly ReadonlySet<CountryCode>[],
): Summary {
  const summary: Summary = new Map();
  for (const reading of mention.readings) {
    if (reading.weight === 0 && reading.population < minPopulation) continue;
    if (!inRegions(reading.country, regions)) continue;
    const seen = summary.get(reading.country);
    if (!seen) {
      summary.set(reading.country, {
        weight: reading.weight,
        population: reading.population,
        method: reading.method,
        text: mention.text,
      });
      continue;
    }
    // The strongest reading scores; the report names the plainest explicit one: "NY" is New York State
    // (subdivision) rather than the abbreviation of New York City, which scores higher.
    const explicit = reading.weight > 0;
    if (
      (explicit && (seen.weight === 0 || METHOD_ORDER[reading.method] < METHOD_ORDER[seen.method])) ||
      (!explicit && seen.weight === 0 && reading.population > seen.population)
    ) {
      seen.method = reading.method;
    }
    seen.weight = Math.max(seen.weight, reading.weight);
    seen.population = Math.max(seen.population, reading.population);
  }
  return summary;
}

function maxWeight(summary: Summary): number {
  let max = 0;
  for (const evidence of summary.values()) max = Math.max(max, evidence.weight);
  return max;
}

function intersect(summaries: readonly Summary[]): CountryCode[] {
  const [first, ...rest] = summaries;
  if (!first) return [];
  return [...first.keys()].filter((code) => rest.every((summary) => summary.has(code)));
}

/** The strongest evidence for `code`, to report how the country was found. */
function decisive(code: CountryCode, summaries: readonly Summary[]): LocationMatch | null {
  let best: Evidence | undefined;
  for (const summary of summaries) {
    const evidence = summary.get(code);
    if (!evidence) continue;
    if (
      !best ||
      evidence.weight > best.weight ||
      (evidence.weight === best.weight && evidence.population > best.population)
    ) {
      best = evidence;
    }
  }
  return best ? { code, method: best.method, matched: best.text } : null;
}

/**
 * With an explicit country, code, flag or state: every explicit mention must allow the country, and
 * so must every city next to them (a city elsewhere means a second place: "Berlin / Austin, TX").
 * Then the most explicit reading wins ("Georgia" the country over the US state), then population.
 */
function decideAnchored(
  anchored: readonly Summary[],
  all: readonly Summary[],
  options: DecisionOptions,
): LocationMatch | null {
  const candidates = intersect(all);
  if (candidates.length === 0) return null;
  const scored = candidates.map((code) => {
    let score = 0;
    let population = 0;
    for (const summary of anchored) score += summary.get(code)?.weight ?? 0;
    for (const summary of all) population = Math.max(population, summary.get(code)?.population ?? 0);
    return { code, score, population };
  });
  const top = Math.max(...scored.map((entry) => entry.score));
  // Only small towns of the same name tie the mentions together ("Berlin / San Francisco": Berlin, New
  // Hampshire): nothing explicit names that country, so these are two places.
  if (top === 0) return null;
  const tied = scored.filter((entry) => entry.score === top).sort((a, b) => b.population - a.population);
  const [first, second] = tied;
  if (!first) return null;
  if (second && (second.population === 0 || first.population < options.ambiguityRatio * second.population)) {
    return null;
  }
  return decisive(first.code, all);
}

/**
 * Cities alone: each city spreads its likelihood over the countries that have a place of that name, in
 * proportion to their populations; several cities must agree on one country.
 */
function decideCities(cities: readonly Summary[], options: DecisionOptions): LocationMatch | null {
  const candidates = intersect(cities);
  if (candidates.length === 0) return null;
  const totals = cities.map((summary) => {
    let total = 0;
    for (const evidence of summary.values()) total += evidence.population;
    return total;
  });
  const scored = candidates
    .map((code) => {
      let score = 1;
      let plausible = true;
      cities.forEach((summary, i) => {
        const share = (summary.get(code)?.population ?? 0) / (totals[i] || 1);
        score *= share;
        if (share < options.minCityShare) plausible = false;
      });
      return { code, score, plausible };
    })
    .sort((a, b) => b.score - a.score);
  const [first, second] = scored;
  if (!first || !first.plausible) return null;
  if (second && first.score < options.ambiguityRatio * second.score) return null;
  return decisive(first.code, cities);
}

/** Turns the mentions found in one location into a country, or null when they do not name exactly one. */
export function decideCountry(mentions: readonly Mention[], options: DecisionOptions): LocationMatch | null {
  const regions: ReadonlySet<CountryCode>[] = [];
  const places: Mention[] = [];
  for (const mention of mentions) {
    if (mention.region) regions.push(mention.region);
    else places.push(mention);
  }
  const all: Summary[] = [];
  const anchored: Summary[] = [];
  for (const place of places) {
    const summary = summarize(place, 0, regions);
    // A place outside the region named next to it is a second place ("EU/US").
    if (summary.size === 0) return null;
    all.push(summary);
    if (maxWeight(summary) > 0) anchored.push(summary);
  }
  if (anchored.length > 0) return decideAnchored(anchored, all, options);
  const cities: Summary[] = [];
  for (const place of places) {
    const summary = summarize(place, options.soloCityMinPopulation, regions);
    if (summary.size > 0) cities.push(summary);
  }
  return decideCities(cities, options);
}
