import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import path from 'node:path';
import { freePort } from './free-port';
import { createTestCertificates, type TestCertificates } from './tls-certs';

/**
 * SNS's side of an HTTP(S) subscription, written from the Amazon SNS developer guide ("Verifying
 * the signatures of Amazon SNS messages", "HTTP/HTTPS notification JSON format", "HTTP/HTTPS
 * subscription confirmation JSON format"): a signing certificate served over HTTPS at a
 * SigningCertURL, and messages signed with its key: the string to sign is, for each field in the
 * documented order, "Name\nValue\n" (Notification: Message, MessageId, Subject if present,
 * Timestamp, TopicArn, Type; confirmations: Message, MessageId, SubscribeURL, Timestamp, Token,
 * TopicArn, Type), signed SHA1withRSA (SignatureVersion 1) or SHA256withRSA (2), base64.
 * The certificate comes from a throw-away test CA; the app trusts that CA (SNS_CERT_CA_PATH)
 * and this host (SNS_CERT_HOST_PATTERN), and its verification path is production's.
 */
export interface FakeSns {
  readonly certs: TestCertificates;
  /** https://127.0.0.1:<port> */
  readonly origin: string;
  readonly certUrl: string;
  /** Paths requested on the HTTPS server (the certificate, SubscribeURLs). */
  readonly requests: string[];
  /** A message signed as SNS signs it. */
  sign(fields: Record<string, string>, version?: '1' | '2', keyPath?: string): Record<string, string>;
  close(): Promise<void>;
}

const NOTIFICATION_ORDER = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'];
const CONFIRMATION_ORDER = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];

export async function startFakeSns(): Promise<FakeSns> {
  const certs = createTestCertificates();
  const cert = readFileSync(certs.certPath, 'utf8');
  const requests: string[] = [];
  const server: Server = createServer({ cert, key: readFileSync(certs.keyPath) }, (req, res) => {
    requests.push(req.url ?? '');
    if (req.url?.endsWith('.pem')) {
      res.writeHead(200, { 'content-type': 'application/x-pem-file' });
      res.end(cert);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end('<ConfirmSubscriptionResponse/>');
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const origin = `https://127.0.0.1:${port}`;
  const certUrl = `${origin}/SimpleNotificationService-test.pem`;
  return {
    certs,
    origin,
    certUrl,
    requests,
    sign(fields, version = '2', keyPath = certs.keyPath) {
      const order = fields.Type === 'Notification' ? NOTIFICATION_ORDER : CONFIRMATION_ORDER;
      const text = order
        .filter((name) => fields[name] !== undefined)
        .map((name) => `${name}\n${fields[name]}\n`)
        .join('');
      const signer = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
      signer.update(text, 'utf8');
      return {
        ...fields,
        SignatureVersion: version,
        Signature: signer.sign(readFileSync(keyPath), 'base64'),
        SigningCertURL: certUrl,
      };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      certs.dispose();
    },
  };
}

/** The other CA's key (the test certificates' unrelated CA): a signature SNS did not make. */
export function otherKeyPath(certs: TestCertificates): string {
  return path.join(certs.dir, 'other-ca.key');
}
