import type { RowIssues } from './legacy-import.types';

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?$/;

/**
 * A legacy DATETIME (UTC without a zone, read as text) as an ISO 8601 UTC timestamp. Zero dates
 * (`0000-00-00 00:00:00`, or a zero month or day, stored where strict mode was off) and values
 * that name no real instant become null, with a report line.
 */
export function legacyTimestamp(
  value: unknown,
  column: string,
  issues: RowIssues,
  fallback?: Fallback,
): string | null {
  if (value === null || value === undefined) return fallback?.value ?? null;
  const text = String(value);
  const fast = plainDatetime(text);
  if (fast) return fast;
  const instead = fallback ? `${fallback.from} (${fallback.value})` : 'null';
  const match = DATETIME.exec(text);
  if (!match) {
    issues.repaired('invalid-date', `${column} "${text}" is not a date; stored as ${instead}`);
    return fallback?.value ?? null;
  }
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '0'] = match;
  if (Number(y) === 0 || Number(mo) === 0 || Number(d) === 0) {
    issues.repaired('zero-date', `${column} was the zero date ${text}; stored as ${instead}`);
    return fallback?.value ?? null;
  }
  const ms = Math.floor(Number(fraction.padEnd(6, '0')) / 1000);
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms));
  if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) {
    issues.repaired('invalid-date', `${column} "${text}" is not a calendar date; stored as ${instead}`);
    return fallback?.value ?? null;
  }
  return date.toISOString();
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The common case without a regular expression or a Date: `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DD`
 * naming a real day (millions of rows go through here). Anything else: undefined, and the full
 * parse above decides.
 */
function plainDatetime(text: string): string | undefined {
  const long = text.length === 19;
  if (!(long || text.length === 10) || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45)
    return undefined;
  const y = digits(text, 0, 4);
  const m = digits(text, 5, 2);
  const d = digits(text, 8, 2);
  if (!(y > 0 && m >= 1 && m <= 12 && d >= 1 && d <= DAYS_IN_MONTH[m - 1]!)) return undefined;
  if (m === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return undefined;
  if (!long) return `${text}T00:00:00.000Z`;
  if (text.charCodeAt(10) !== 32 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58)
    return undefined;
  if (!(digits(text, 11, 2) < 24 && digits(text, 14, 2) < 60 && digits(text, 17, 2) < 60)) return undefined;
  return `${text.slice(0, 10)}T${text.slice(11)}.000Z`;
}

/** The decimal number of `length` ASCII digits at `start` (no substring); NaN when one is not a digit. */
function digits(text: string, start: number, length: number): number {
  let n = 0;
  for (let i = start; i < start + length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (!(digit >= 0 && digit <= 9)) return NaN;
    n = n * 10 + digit;
  }
  return n;
}

/**
 * `YYYY-MM-DD` as one small number (distinct per day, not a day count), without allocating:
 * a part of a numeric batch key.
 */
export function dayNumber(date: string): number {
  return (digits(date, 0, 4) * 13 + digits(date, 5, 2)) * 32 + digits(date, 8, 2);
}

/**
 * Two non-negative integers as one number key (`high * span + low`), cheaper to build and hash
 * than a string; undefined when they do not fit below 2^53 (the caller falls back to text).
 */
export function pairKey(high: number, low: number, span: number): number | undefined {
  return low < span && high * span + span <= Number.MAX_SAFE_INTEGER ? high * span + low : undefined;
}

/** What a NOT NULL target column gets when the legacy value is missing or a zero date. */
export interface Fallback {
  readonly value: string;
  /** Where the value came from, for the report ("createdAt", "the epoch"). */
  readonly from: string;
}

export const EPOCH = '1970-01-01T00:00:00.000Z';

/** The first usable timestamp of `candidates` (already mapped), else the epoch. */
export function firstTimestamp(candidates: readonly (readonly [string, string | null])[]): Fallback {
  for (const [from, value] of candidates) if (value) return { value, from };
  return { value: EPOCH, from: 'the epoch' };
}

/** Parses a legacy DATETIME without reporting (for plan queries whose rows are reported elsewhere). */
export function quietTimestamp(value: unknown): string | null {
  return legacyTimestamp(value, '', { repaired: () => undefined } as unknown as RowIssues);
}

/** A legacy DATE as `YYYY-MM-DD`, or null (with a report line) for a zero or impossible date. */
export function legacyDay(value: unknown, column: string, issues: RowIssues): string | null {
  if (typeof value === 'string' && value.length === 10 && plainDatetime(value) !== undefined) return value;
  const timestamp = legacyTimestamp(value, column, issues);
  return timestamp ? timestamp.slice(0, 10) : null;
}

/**
 * Text as PostgreSQL can store it. MySQL keeps NUL characters in strings, PostgreSQL text cannot:
 * they are removed, with a report line. 4-byte characters (emoji) pass through unchanged.
 */
export function legacyText(value: unknown, column: string, issues: RowIssues): string | null {
  if (value === null || value === undefined) return null;
  const text = typeof value === 'string' ? value : String(value);
  if (!text.includes('\u0000')) return text;
  issues.repaired('nul-character', `${column} held NUL characters; removed`);
  return text.replaceAll('\u0000', '');
}

/** An INT column that may be NULL in the legacy schema, as a number (or the fallback). */
export function legacyInt(value: unknown, fallback: number): number;
export function legacyInt(value: unknown, fallback: null): number | null;
export function legacyInt(value: unknown, fallback: number | null): number | null {
  if (value === null || value === undefined) return fallback;
  const n = Number(value);
  return Number.isFinite(n) ? Math.trunc(n) : fallback;
}

export type ParsedJson = { readonly ok: true; readonly value: unknown } | { readonly ok: false };

/** Parses JSON text from a legacy JSON column; `ok: false` for invalid JSON (with a report line). */
export function legacyJson(value: unknown, column: string, issues: RowIssues): ParsedJson {
  if (value === null || value === undefined) return { ok: true, value: null };
  const text = typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : null;
  if (text === null) return { ok: true, value };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    issues.repaired('invalid-json', `${column} is not valid JSON (${preview(text)}); stored as empty`);
    return { ok: false };
  }
}

/** JSON with object keys sorted, so equal values give equal text (checksums, change detection). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort())
      sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}

/** jsonb cannot hold U+0000 either: drop it from every string inside a JSON value. */
export function withoutNul(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('\u0000', '');
  if (Array.isArray(value)) return value.map(withoutNul);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k.replaceAll('\u0000', ''), withoutNul(v)]),
    );
  }
  return value;
}

export function preview(text: string, max = 40): string {
  const flat = text.replace(/\s+/g, ' ');
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max)}...` : flat);
}

/** A JSON column's value without NUL characters; undefined when it is null or not valid JSON (reported). */
export function legacyJsonData(value: unknown, column: string, issues: RowIssues): unknown {
  const parsed = legacyJson(value, column, issues);
  return parsed.ok && parsed.value !== null ? withoutNul(parsed.value) : undefined;
}

/** A JSON column that should hold a list: its items, or none (reported) when it holds anything else. */
export function legacyJsonList(value: unknown, column: string, issues: RowIssues): unknown[] {
  const data = legacyJsonData(value, column, issues);
  if (data === undefined) return [];
  if (Array.isArray(data)) return data;
  const held = JSON.stringify(data).slice(0, 40);
  issues.repaired('reshaped-json', `${column} held ${held}, not a list; stored as empty`);
  return [];
}
