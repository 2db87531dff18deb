/**
 * The few words the data sets cannot supply. None of these lists names a country: countries, states and
 * cities all come from npm data (see README.md). What is here is
 * - words that are never a place on their own, although GeoNames has a town or an alternate name spelt
 *   that way ("Of" in Turkey, "Bay" in the Philippines, "None" in Italy, "The" for Teresina's airport),
 *   and the usual fake locations on GitHub profiles ("Earth", "Remote", "localhost");
 * - regions that span countries, which must not be read as one of them ("South America" is not "America");
 * - colloquial names people use instead of a city's or region's real name ("NYC", "Bay Area"), each
 *   pointing at a name the data sets know, so the country still comes from the data.
 */

/**
 * Single words that never stand for a place on their own. They can still be part of a longer name
 * ("New York", "North Carolina", "Isle of Man").
 */
export const NOISE_WORDS: readonly string[] = [
  // filler around a place
  'a an the of in at on and or from near by to for with but',
  'my our your based living live lives located currently now mostly',
  'sometimes formerly previously originally between around via all over not',
  'city town area region greater metro metropolitan county state province',
  'district capital bay valley island islands north south east west central',
  'northern southern eastern western upper lower new old big little great',
  'downtown suburbs countryside village side open relocation relocate work',
  // words of country names that are no place alone (Republic, Missouri must not answer "Slovak Republic")
  'republic kingdom federation federal union united democratic people peoples islamic plurinational',
  'bolivarian commonwealth territory territories states emirates',
  // not a place at all
  'earth planet world worldwide global globe international internet online web',
  'cloud cyberspace remote remotely anywhere everywhere nowhere somewhere here',
  'there home house room office localhost null nil none undefined unknown',
  'dev mars moon sun space universe galaxy heaven hell matrix terminal',
  'github console computer keyboard desk bed mind heart love life road',
  'travel traveling travelling nomad digital hybrid any other multiple various',
  'forest mountain mountains beach desert ocean sea sky river lake park land country paradise eden',
  'utopia nirvana wonderland neverland',
].flatMap((words) => words.split(' '));

/** Multi-word phrases that are no place at all. */
export const NOISE_PHRASES: readonly string[] = [
  'planet earth, the world, the internet, the cloud, the moon, outer space, milky way, solar system',
  'digital nomad, united states of earth, land of the free, middle earth, north pole, south pole',
].flatMap((phrases) => phrases.split(', '));

/**
 * Regions that span countries, by the continents (from the data set) they lie in. They are never a
 * country, but they rule out countries elsewhere: "EU/US" names no single country, "Asia/Tokyo" is Japan.
 * Continent names themselves ("Europe", "South America") come from the data set.
 */
export const REGION_CONTINENTS: Readonly<Record<string, readonly string[]>> = {
  eu: ['Europe'],
  'european union': ['Europe'],
  'western europe': ['Europe'],
  'eastern europe': ['Europe'],
  'northern europe': ['Europe'],
  'southern europe': ['Europe'],
  'central europe': ['Europe'],
  scandinavia: ['Europe'],
  nordics: ['Europe'],
  benelux: ['Europe'],
  balkans: ['Europe'],
  dach: ['Europe'],
  'east asia': ['Asia'],
  'southeast asia': ['Asia'],
  'south east asia': ['Asia'],
  'south asia': ['Asia'],
  'central asia': ['Asia'],
  'western asia': ['Asia'],
  'far east': ['Asia'],
  'middle east': ['Asia', 'Africa'],
  'near east': ['Asia', 'Africa'],
  'west africa': ['Africa'],
  'east africa': ['Africa'],
  'north africa': ['Africa'],
  'sub saharan africa': ['Africa'],
  caribbean: ['North America'],
  'central america': ['North America'],
  americas: ['North America', 'South America'],
  'the americas': ['North America', 'South America'],
  'latin america': ['North America', 'South America'],
  latam: ['North America', 'South America'],
  emea: ['Europe', 'Asia', 'Africa'],
  apac: ['Asia', 'Oceania'],
};

/**
 * Colloquial names: alias -> a name the data sets resolve (a city, state or country name), so
 * "Bay Area" reads as whatever "San Francisco" reads as. Matched in any case.
 */
export const PLACE_ALIASES: Readonly<Record<string, string>> = {
  nyc: 'New York City',
  sf: 'San Francisco',
  sfba: 'San Francisco',
  'bay area': 'San Francisco',
  'sf bay area': 'San Francisco',
  'san francisco bay area': 'San Francisco',
  'silicon valley': 'San Jose',
  rio: 'Rio de Janeiro',
  socal: 'California',
  norcal: 'California',
  'southern california': 'California',
  'northern california': 'California',
  'washington dc': 'District of Columbia',
  'washington d c': 'District of Columbia',
  'd c': 'District of Columbia',
  'research triangle': 'North Carolina',
  // The United Kingdom's nations are no ISO 3166-1 entries and the subdivision data set lists councils.
  england: 'United Kingdom',
  scotland: 'United Kingdom',
  wales: 'United Kingdom',
  'northern ireland': 'United Kingdom',
};
