import { z } from 'zod';

/**
 * The value types settings are written in. Values arrive as strings from the environment, a `.env`
 * file or a Secrets Manager secret; these coerce and validate them, with messages that name the
 * expected form and never the value.
 */

/** The parsed values of a group of settings. */
export type SettingValues<S extends z.ZodRawShape> = z.output<z.ZodObject<S>>;

// Operators write TRUE, True or true; all are accepted. Anything else is a mistake, not `false`.
export const bool = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' }))
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

// Strictly decimal digits: `z.coerce.number` would also take ' ' (as 0), '0x1F', '1e3' and 'Infinity',
// which hide typos. Secrets give numbers as JSON numbers or strings; both arrive here as strings.
export const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^[+-]?\d+$/, { message: 'must be a whole number' })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { message: `must be at least ${min}` })
        .max(max, { message: `must be at most ${max}` }),
    );

export const port = int(1, 65535);

// An endpoint without a scheme ("localhost:4566") parses as a URL with protocol "localhost:", so the
// protocol is checked here rather than failing later as an unreachable service.
export const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

export const email = z
  .string()
  .trim()
  .pipe(z.email({ message: 'must be an e-mail address' }));

// A typo ("us-east1") would otherwise surface as an unreachable Secrets Manager after every retry.
export const awsRegion = z
  .string()
  .trim()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, { message: 'must be an AWS region such as us-east-1' });

export const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

// Browser origins exactly as browsers send them (scheme://host[:port], no path or trailing slash),
// or `*` for any origin; a typo here would silently block a frontend.
export const origins = list.pipe(
  z.array(
    z.string().regex(/^(\*|https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)$/, {
      message: 'must be comma-separated origins such as https://app.example.com, or *',
    }),
  ),
);

export const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** A list setting left unset: no entries. */
export const orEmpty = (values: readonly string[] | undefined): readonly string[] => values ?? [];
