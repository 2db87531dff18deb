import { readFileSync } from 'node:fs';

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
};

/**
 * Why the CA bundle at `path` cannot be used, or undefined when it can. Checked at start-up so a
 * wrong path fails there, listed with the other problems, instead of at the first TLS handshake.
 * Node's TLS accepts PEM only, so a DER file (or anything else) is refused here too.
 */
export function caFileProblem(path: string | undefined): string | undefined {
  if (!path) return undefined;
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return `cannot read "${path}" (${REASONS[code] ?? code})`;
  }
  if (!content.includes('-----BEGIN CERTIFICATE-----')) return `"${path}" holds no PEM certificate`;
  return undefined;
}
