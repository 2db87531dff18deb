/**
 * Normalisation and tokenisation of free-text locations.
 *
 * The same folding is applied to the input and to every name in the index, so "München", "MUNCHEN" and
 * "munchen" meet on one key, and "U.S.A." and "U. S. A." both become "u s a". Everything here is pure.
 */

export interface LocationToken {
  /** Folded form used for lookups: lower case, no diacritics, no apostrophes. */
  readonly key: string;
  /** As written. */
  readonly raw: string;
  /** Written in capitals ("DE", "NYC"): codes and abbreviations only count when they are. */
  readonly upper: boolean;
  /** Offsets into the input, for reporting what matched. */
  readonly start: number;
  readonly end: number;
  /** Index of the segment (text between separators such as "," or "/") the token belongs to. */
  readonly segment: number;
}

export interface FlagToken {
  /** Upper-case alpha-2 code spelt by the flag's regional indicators (not yet validated). */
  readonly code: string;
  readonly raw: string;
}

export interface TokenizedLocation {
  readonly input: string;
  readonly tokens: readonly LocationToken[];
  readonly flags: readonly FlagToken[];
  /** Number of segments; tokens of one segment are contiguous in `tokens`. */
  readonly segmentCount: number;
}

// Regional indicator symbols A..Z (U+1F1E6..U+1F1FF): a pair spells a flag's ISO code.
const REGIONAL_INDICATOR_A = 0x1f1e6;
const FLAG_PAIR = /([\u{1F1E6}-\u{1F1FF}])([\u{1F1E6}-\u{1F1FF}])/gu;
// Subdivision flags (England, Scotland, Wales): black flag, tag letters of an ISO 3166-2 code, cancel tag.
const TAG_FLAG = /\u{1F3F4}([\u{E0061}-\u{E007A}]{2})[\u{E0030}-\u{E0039}\u{E0061}-\u{E007A}]*\u{E007F}/gu;
const TAG_A = 0xe0061;

// A word: letters, digits and combining marks, with inner apostrophes ("d'Ivoire", "Hawai'i"); or an
// ampersand, read as "and" so that "Trinidad & Tobago" is one name (and "Germany & USA" still two).
const WORD = /[\p{L}\p{N}\p{M}]+(?:['’ʼʻ`][\p{L}\p{N}\p{M}]+)*|&/gu;
const APOSTROPHES = /['’ʼʻ`]/g;
const COMBINING_MARKS = /\p{M}/gu;
// A gap that is only spaces, dots or a bare hyphen keeps two words in one segment
// ("St. Louis", "Baden-Württemberg"); anything else (",", "/", "&", " - ", emoji) separates segments.
const JOINING_GAP = /^(?:[\s.]*|-)$/u;

// Letters that Unicode does not decompose into base letter + mark, so NFKD alone would keep them.
const EXTRA_FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss',
  ł: 'l',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  æ: 'ae',
  œ: 'oe',
  ı: 'i',
  ħ: 'h',
};
const EXTRA_FOLD_PATTERN = new RegExp(`[${Object.keys(EXTRA_FOLDS).join('')}]`, 'g');

const ASCII_WORD = /^[A-Za-z0-9]+$/;
// Flags are astral-plane characters: text without surrogates has none, and most text has none.
const SURROGATE = /[\uD800-\uDFFF]/;

/** Folds one word: compatibility decomposition, no marks, lower case, no apostrophes. */
export function foldWord(word: string): string {
  if (ASCII_WORD.test(word)) return word.toLowerCase();
  return word
    .normalize('NFKD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replace(EXTRA_FOLD_PATTERN, (ch) => EXTRA_FOLDS[ch] ?? ch)
    .replace(APOSTROPHES, '');
}

function isUpperCase(raw: string): boolean {
  return raw !== raw.toLowerCase() && raw === raw.toUpperCase();
}

const PLAIN_ASCII = /^[A-Za-z0-9 ,.-]*$/;
const ASCII_SEPARATORS = /[ ,.-]+/;

/** The lookup key of a whole name: its folded words joined by single spaces ("" when it has none). */
export function nameKey(name: string): string {
  // Fast path for plain ASCII names (most of the index): folding cannot change them beyond case.
  if (PLAIN_ASCII.test(name)) {
    return name.toLowerCase().split(ASCII_SEPARATORS).filter(Boolean).join(' ');
  }
  const words: string[] = [];
  for (const match of name.matchAll(WORD)) {
    const key = match[0] === '&' ? 'and' : foldWord(match[0]);
    if (key) words.push(key);
  }
  return words.join(' ');
}

function extractFlags(input: string): FlagToken[] {
  const flags: FlagToken[] = [];
  for (const match of input.matchAll(FLAG_PAIR)) {
    const first = (match[1] ?? '').codePointAt(0) ?? 0;
    const second = (match[2] ?? '').codePointAt(0) ?? 0;
    const code = String.fromCharCode(65 + first - REGIONAL_INDICATOR_A, 65 + second - REGIONAL_INDICATOR_A);
    flags.push({ code, raw: match[0] });
  }
  for (const match of input.matchAll(TAG_FLAG)) {
    const tags = [...(match[1] ?? '')].map((ch) =>
      String.fromCharCode(65 + (ch.codePointAt(0) ?? 0) - TAG_A),
    );
    flags.push({ code: tags.join(''), raw: match[0] });
  }
  return flags;
}

/** Splits a location into words grouped by segment, plus any flag emoji it carries. */
export function tokenizeLocation(input: string): TokenizedLocation {
  const tokens: LocationToken[] = [];
  let segment = 0;
  let previousEnd = -1;
  for (const match of input.matchAll(WORD)) {
    const raw = match[0];
    const start = match.index;
    const key = raw === '&' ? 'and' : foldWord(raw);
    if (!key) continue;
    if (previousEnd >= 0 && !JOINING_GAP.test(input.slice(previousEnd, start))) segment += 1;
    tokens.push({ key, raw, upper: isUpperCase(raw), start, end: start + raw.length, segment });
    previousEnd = start + raw.length;
  }
  const flags = SURROGATE.test(input) ? extractFlags(input) : [];
  return { input, tokens, flags, segmentCount: tokens.length ? segment + 1 : 0 };
}
