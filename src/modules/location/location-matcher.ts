import { WEIGHT, type LocationIndex, type Reading, type ReadingRule } from './location-index.types';
import type { TokenizedLocation } from './location-text';

/** A run of words (or a flag) that names a place, with every country it can mean. */
export interface Mention {
  /** As written in the input. */
  readonly text: string;
  readonly readings: readonly Reading[];
  /** For a region spanning countries ("Europe", "EU"): the countries it allows. */
  readonly region?: ReadonlySet<string>;
}

/** How a run of words sits in the input, which decides whether codes and abbreviations count. */
interface Placement {
  readonly upper: boolean;
  readonly wholeSegment: boolean;
  readonly lastWord: boolean;
  readonly preceded: boolean;
  readonly laterSegment: boolean;
  readonly mixedCase: boolean;
}

const LOWER_CASE_LETTER = /\p{Ll}/u;
// Chinese, Japanese and Korean write names without spaces ("广东深圳" is Guangdong + Shenzhen).
const CJK_WORD = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]{3,}$/u;
// In folded characters: Hangul syllables decompose into two or three letters each.
const CJK_LONGEST_NAME = 12;

function ruleApplies(rule: ReadingRule, at: Placement): boolean {
  switch (rule) {
    case 'any':
      return true;
    case 'upper':
      // In an all-capitals location capitals tell nothing, so an abbreviation must then stand alone.
      return at.upper && (at.mixedCase || at.wholeSegment);
    case 'code':
      return (
        (at.upper && (at.wholeSegment || at.lastWord)) || (!at.upper && at.wholeSegment && at.laterSegment)
      );
    case 'qualifier':
      return at.preceded && ruleApplies('code', at);
  }
}

/** Splits an unknown run of CJK characters into the longest names the index knows, left to right. */
function findCjkMentions(word: string, index: LocationIndex): Mention[] {
  const mentions: Mention[] = [];
  let start = 0;
  while (start < word.length - 1) {
    let length = Math.min(CJK_LONGEST_NAME, word.length - start);
    for (; length >= 2; length -= 1) {
      const part = word.slice(start, start + length);
      const readings = index.entries.get(part)?.readings.filter((reading) => reading.rule === 'any') ?? [];
      if (readings.length > 0) {
        mentions.push({ text: part.normalize('NFC'), readings });
        break;
      }
    }
    start += length >= 2 ? length : 1;
  }
  return mentions;
}

/**
 * Scans each segment left to right for the longest run of words the index knows. Noise ("Earth",
 * "South America") consumes its words so that no shorter part of it is read as a place. A run whose
 * readings all fail their rule is retried shorter, then skipped.
 */
export function findMentions(
  location: TokenizedLocation,
  index: LocationIndex,
  isCountry: (code: string) => boolean,
): Mention[] {
  const mentions: Mention[] = [];
  for (const flag of location.flags) {
    if (!isCountry(flag.code)) continue;
    const reading: Reading = {
      country: flag.code,
      method: 'flag',
      weight: WEIGHT.flag,
      population: 0,
      rule: 'any',
    };
    mentions.push({ text: flag.raw, readings: [reading] });
  }

  const { tokens } = location;
  const mixedCase = LOWER_CASE_LETTER.test(location.input);
  let segmentStart = 0;
  let segmentEnd = 0;
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i];
    if (!token) break;
    if (i >= segmentEnd) {
      segmentStart = i;
      segmentEnd = i;
      while (segmentEnd < tokens.length && tokens[segmentEnd]?.segment === token.segment) segmentEnd += 1;
    }
    const keys: string[] = [];
    let upper = true;
    const longest = Math.min(index.maxPhraseWords, segmentEnd - i);
    const uppers: boolean[] = [];
    for (let n = 0; n < longest; n += 1) {
      const next = tokens[i + n];
      const previous = keys[n - 1];
      // Extend the run only while some longer name starts with it.
      if (!next || (previous !== undefined && !index.prefixes.has(previous))) break;
      keys.push(previous === undefined ? next.key : `${previous} ${next.key}`);
      upper = upper && next.upper;
      uppers.push(upper);
    }

    let consumed = 0;
    for (let n = keys.length; n >= 1 && consumed === 0; n -= 1) {
      const entry = index.entries.get(keys[n - 1] ?? '');
      if (!entry) continue;
      const placement: Placement = {
        upper: uppers[n - 1] ?? false,
        wholeSegment: i === segmentStart && i + n === segmentEnd,
        lastWord: i + n === tokens.length,
        preceded: i > 0,
        laterSegment: token.segment > 0,
        mixedCase,
      };
      const readings = entry.conditional
        ? entry.readings.filter((reading) => ruleApplies(reading.rule, placement))
        : entry.readings;
      const last = tokens[i + n - 1] ?? token;
      const text = location.input.slice(token.start, last.end);
      if (readings.length > 0) mentions.push({ text, readings });
      else if (entry.region) mentions.push({ text, readings, region: entry.region });
      else if (!entry.noise) continue;
      consumed = n;
    }
    if (consumed === 0 && CJK_WORD.test(token.raw)) mentions.push(...findCjkMentions(token.key, index));
    i += consumed || 1;
  }
  return mentions;
}
