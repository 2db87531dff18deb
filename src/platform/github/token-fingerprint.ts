import { createHash } from 'node:crypto';

/**
 * A printable id for a token that reveals nothing usable: GitHub's type prefix (`ghp_`,
 * `github_pat_`, ...) and 8 hex digits of its SHA-256, e.g. `ghp_…3f9a2c1d`. Logs, health output
 * and errors name tokens only this way.
 */
export function maskToken(token: string): string {
  const prefix = /^(github_pat_|gh[a-z]_)/.exec(token)?.[1] ?? '';
  return `${prefix}…${createHash('sha256').update(token).digest('hex').slice(0, 8)}`;
}
