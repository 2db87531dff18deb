import { createVerify, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { DomainError } from '../../core/errors';

/** The JSON body SNS posts to an HTTP(S) subscriber (notification or (un)subscribe confirmation). */
export interface SnsMessage {
  readonly Type: string;
  readonly MessageId: string;
  readonly TopicArn: string;
  readonly Message: string;
  readonly Timestamp: string;
  readonly Subject?: string;
  readonly Token?: string;
  readonly SubscribeURL?: string;
  readonly SignatureVersion: string;
  readonly Signature: string;
  readonly SigningCertURL: string;
}

export interface SnsSettings {
  /** Allowed hosts of SigningCertURL and SubscribeURL (default: sns.<region>.amazonaws.com[.cn]). */
  readonly certHostPattern: string;
  /** CA bundle the certificate host is checked against (default: Node's). */
  readonly certCaPath: string | undefined;
  /** Accepted topics (none: any). */
  readonly topicArns: readonly string[];
}

const NOTIFICATION_FIELDS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const;
const CONFIRMATION_FIELDS = [
  'Message',
  'MessageId',
  'SubscribeURL',
  'Timestamp',
  'Token',
  'TopicArn',
  'Type',
] as const;
const TYPES = ['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation'];
const ALGORITHMS: Readonly<Record<string, string>> = { '1': 'RSA-SHA1', '2': 'RSA-SHA256' };
const MAX_CERTS = 20;
const MAX_CERT_BYTES = 64 * 1024;

/**
 * The string SNS signs (Amazon SNS developer guide, "Verifying the signatures of Amazon SNS
 * messages"): for each field in order, its name, a newline, its value, a newline; `Subject` only
 * when present.
 */
export function stringToSign(message: SnsMessage): string {
  const fields = message.Type === 'Notification' ? NOTIFICATION_FIELDS : CONFIRMATION_FIELDS;
  return fields
    .filter((name) => message[name] !== undefined)
    .map((name) => `${name}\n${message[name]}\n`)
    .join('');
}

function refused(reason: string): DomainError {
  return new DomainError('FORBIDDEN', `SNS message refused: ${reason}`);
}

/**
 * Verifies SNS messages: parses the body, checks the type, topic and the certificate URL (https,
 * an allowed host, a .pem path), fetches the certificate over HTTPS (cached per URL) and checks
 * the signature (SignatureVersion 1: SHA1withRSA, 2: SHA256withRSA) over the string to sign.
 * Anything else is FORBIDDEN (403) and nothing is done.
 */
export class SnsVerifier {
  private readonly hostPattern: RegExp;
  private readonly ca: string | undefined;
  private readonly certs = new Map<string, Promise<string>>();

  constructor(private readonly settings: SnsSettings) {
    this.hostPattern = new RegExp(settings.certHostPattern);
    this.ca = settings.certCaPath ? readFileSync(settings.certCaPath, 'utf8') : undefined;
  }

  async verify(body: string): Promise<SnsMessage> {
    let message: SnsMessage;
    try {
      message = JSON.parse(body) as SnsMessage;
    } catch {
      throw new DomainError('BAD_USER_INPUT', 'the body is not an SNS message (JSON)');
    }
    if (typeof message !== 'object' || message === null || !TYPES.includes(message.Type))
      throw new DomainError('BAD_USER_INPUT', 'the body is not an SNS message');
    for (const field of [
      'MessageId',
      'TopicArn',
      'Message',
      'Timestamp',
      'Signature',
      'SigningCertURL',
    ] as const)
      if (typeof message[field] !== 'string') throw refused(`${field} is missing`);
    const algorithm = ALGORITHMS[String(message.SignatureVersion)];
    if (!algorithm) throw refused('unknown SignatureVersion');
    if (this.settings.topicArns.length > 0 && !this.settings.topicArns.includes(message.TopicArn))
      throw refused('unexpected TopicArn');
    const certificate = await this.certificate(this.allowedUrl(message.SigningCertURL, '.pem'));
    const verifier = createVerify(algorithm);
    verifier.update(stringToSign(message), 'utf8');
    if (!verifier.verify(certificate, message.Signature, 'base64')) throw refused('bad signature');
    return message;
  }

  /** An https URL on an allowed host (for SigningCertURL: ending in `suffix`), or FORBIDDEN. */
  allowedUrl(raw: string | undefined, suffix = ''): URL {
    let url: URL;
    try {
      url = new URL(String(raw));
    } catch {
      throw refused('the certificate URL is not a URL');
    }
    if (url.protocol !== 'https:' || !this.hostPattern.test(url.hostname) || !url.pathname.endsWith(suffix))
      throw refused(`URL host or scheme not allowed (${url.protocol}//${url.hostname})`);
    return url;
  }

  /** GETs an allowed https URL (SubscribeURL), checked against the configured CA. */
  get(url: URL): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = request(url, { method: 'GET', ca: this.ca, timeout: 10_000 }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
          if (text.length > MAX_CERT_BYTES) req.destroy(new Error('answer too large'));
        });
        response.on('end', () =>
          response.statusCode === 200 ? resolve(text) : reject(new Error(`answered ${response.statusCode}`)),
        );
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
      req.end();
    });
  }

  private certificate(url: URL): Promise<string> {
    const key = url.toString();
    let cert = this.certs.get(key);
    if (!cert) {
      if (this.certs.size >= MAX_CERTS) this.certs.delete(this.certs.keys().next().value!);
      cert = this.get(url).then((pem) => {
        new X509Certificate(pem); // refuses anything but a certificate
        return pem;
      });
      cert.catch(() => this.certs.delete(key));
      this.certs.set(key, cert);
    }
    return cert.catch((error: Error) => {
      throw refused(`the signing certificate could not be fetched (${error.message})`);
    });
  }
}
