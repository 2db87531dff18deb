import type { BatchColumn } from './target-database';

/** A chunk of COPY data goes to PostgreSQL once it holds this many bytes. */
const CHUNK_BYTES = 256 * 1024;

const TAB = 9;
const NEWLINE = 10;
const RESERVED = /[\\\t\n\r]/;
const RESERVED_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const escapeChar = (c: string) => ESCAPES[c]!;

/**
 * `records` in COPY's text format, a chunk of bytes at a time, written straight into buffers
 * (outside the JavaScript heap): no string per value or per row for the garbage collector, and no
 * second conversion to bytes on the way to the socket. Text and jsonb columns get backslash
 * escapes for the characters COPY reserves; numbers, dates and timestamps (written by the
 * mappers) go as they are; null is `\N`.
 */
export function* encodeCopy<T>(columns: readonly BatchColumn<T>[], records: readonly T[]): Generator<Buffer> {
  const values = columns.map(([, , value]) => value);
  const escaped = columns.map(([, type]) => type === 'text' || type === 'jsonb');
  const out = new CopyBuffer();
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    for (let c = 0; c < values.length; c++) {
      if (c > 0) out.byte(TAB);
      const value = values[c]!(record, i);
      if (value === null || value === undefined) out.ascii('\\N');
      else if (typeof value === 'number') out.number(value);
      else if (escaped[c]) out.text(String(value));
      else out.ascii(String(value));
    }
    out.byte(NEWLINE);
    if (out.length >= CHUNK_BYTES) yield out.take();
  }
  if (out.length > 0) yield out.take();
}

class CopyBuffer {
  private buffer = Buffer.allocUnsafe(CHUNK_BYTES * 2);
  length = 0;

  /** The bytes so far; writing goes on in a new buffer (the stream may still hold this one). */
  take(): Buffer {
    const chunk = this.buffer.subarray(0, this.length);
    this.buffer = Buffer.allocUnsafe(CHUNK_BYTES * 2);
    this.length = 0;
    return chunk;
  }

  private room(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const larger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(larger, 0, 0, this.length);
    this.buffer = larger;
  }

  byte(value: number): void {
    this.room(1);
    this.buffer[this.length++] = value;
  }

  /** Text known to be ASCII (`\N`, dates, timestamps). */
  ascii(text: string): void {
    this.room(text.length);
    this.length += this.buffer.write(text, this.length, 'latin1');
  }

  text(value: string): void {
    const text = RESERVED.test(value) ? value.replace(RESERVED_ALL, escapeChar) : value;
    this.room(text.length * 3); // UTF-8 takes at most 3 bytes per UTF-16 code unit
    this.length += this.buffer.write(text, this.length, 'utf8');
  }

  /** Integers digit by digit (no string); anything else as JavaScript prints it. */
  number(value: number): void {
    if (!Number.isSafeInteger(value)) return this.ascii(String(value));
    this.room(17);
    let n = value;
    if (n < 0) {
      this.buffer[this.length++] = 45; // '-'
      n = -n;
    }
    let digits = 1;
    for (let power = 10; power <= n; power *= 10) digits += 1;
    let at = this.length + digits;
    this.length = at;
    do {
      this.buffer[--at] = 48 + (n % 10);
      n = Math.floor(n / 10);
    } while (n > 0);
  }
}
