import { randomBytes } from 'node:crypto';
import type { RenderedEmail } from './email-render';

export interface RawMessageOptions {
  readonly from: string;
  readonly fromName?: string;
  readonly to: string;
  readonly replyTo?: string;
  /** Extra headers (List-Unsubscribe ...); values must be single-line. */
  readonly headers: Readonly<Record<string, string>>;
  readonly date?: Date;
}

/** RFC 2047 encoded-word when the text is not plain ASCII. */
function encodeWord(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

function base64Lines(text: string): string {
  return (
    Buffer.from(text, 'utf8')
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n');
}

function headerValue(value: string): string {
  if (/[\r\n]/.test(value)) throw new Error('header values must be single-line');
  return value;
}

/**
 * A MIME message (multipart/alternative: text, then HTML, both UTF-8 base64) with our headers, for
 * SES SendRawEmail: SendEmail cannot carry List-Unsubscribe / List-Unsubscribe-Post (RFC 8058).
 */
export function buildRawMessage(email: RenderedEmail, options: RawMessageOptions): string {
  const boundary = `=_gi_${randomBytes(12).toString('hex')}`;
  const from = options.fromName
    ? `${encodeWord(options.fromName.replace(/["\\]/g, ''))} <${options.from}>`
    : options.from;
  const headers: [string, string][] = [
    ['From', from],
    ['To', options.to],
    ...(options.replyTo ? ([['Reply-To', options.replyTo]] as [string, string][]) : []),
    ['Subject', encodeWord(email.subject)],
    ['Date', (options.date ?? new Date()).toUTCString()],
    ['MIME-Version', '1.0'],
    ...Object.entries(options.headers),
    ['Content-Type', `multipart/alternative; boundary="${boundary}"`],
  ];
  return [
    ...headers.map(([name, value]) => `${name}: ${headerValue(value)}`),
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(email.text),
    `--${boundary}`,
    'Content-Type: text/html; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(email.html),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
