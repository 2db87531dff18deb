import { GetSendQuotaCommand, SendRawEmailCommand, SESClient } from '@aws-sdk/client-ses';
import type { MailConfig } from '../../config/config';

/** What SES answered last to GetSendQuota (health). */
export interface SendQuota {
  readonly max24HourSend: number;
  readonly maxSendRate: number;
  readonly sentLast24Hours: number;
}

export interface Mailer {
  /** Sends a raw MIME message; resolves with SES's message id. */
  sendRaw(raw: string, destination: string): Promise<string>;
  quota(): Promise<SendQuota>;
  close(): void;
}

/** SES error names that are worth a retry (SES API reference, "Common Errors", and throttling). */
const RETRYABLE = new Set([
  'Throttling',
  'ThrottlingException',
  'ServiceUnavailable',
  'InternalFailure',
  'RequestTimeout',
  'RequestTimeoutException',
  'TooManyRequestsException',
]);

/** Failures that happen before a request reaches SES: nothing can have been sent. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export type SendFailure = 'retry' | 'refused' | 'unknown';

/**
 * What a failed send means. `retry`: SES answered throttling (it documents these as worth retrying
 * later) or a 5xx, or the connection was never made. `refused`: SES refused the message
 * (MessageRejected, an unverified sender, a missing configuration set); it stays refused.
 * `unknown`: no answer after the request went out (a timeout, a reset): SES may have sent it, so
 * it is never sent again.
 */
export function classifySesError(error: unknown): SendFailure {
  const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  if (e?.name && RETRYABLE.has(e.name)) return 'retry';
  const status = e?.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429 ? 'retry' : 'refused';
  return e?.code && NOT_CONNECTED.has(e.code) ? 'retry' : 'unknown';
}

/**
 * SES v1 (`@aws-sdk/client-ses`) through SendRawEmail: the one send call that carries our own
 * headers. The SDK does not retry (maxAttempts 1): the queue does, with backoff, counting attempts
 * on the e-mail's record.
 */
export class SesMailer implements Mailer {
  private readonly client: SESClient;

  constructor(private readonly config: MailConfig) {
    this.client = new SESClient({
      region: config.region,
      endpoint: config.endpoint,
      maxAttempts: 1,
      // A send never waits forever: a worker slot is freed after the timeout.
      requestHandler: {
        connectionTimeout: 5_000,
        requestTimeout: config.requestTimeoutMs,
        throwOnRequestTimeout: true,
      },
    });
  }

  async sendRaw(raw: string, destination: string): Promise<string> {
    const result = await this.client.send(
      new SendRawEmailCommand({
        Source: this.config.fromEmail,
        Destinations: [destination],
        RawMessage: { Data: Buffer.from(raw, 'utf8') },
        ConfigurationSetName: this.config.configurationSetName,
      }),
    );
    if (!result.MessageId)
      throw Object.assign(new Error('SES answered without a MessageId'), { name: 'InternalFailure' });
    return result.MessageId;
  }

  async quota(): Promise<SendQuota> {
    const answer = await this.client.send(new GetSendQuotaCommand({}));
    return {
      max24HourSend: answer.Max24HourSend ?? 0,
      maxSendRate: answer.MaxSendRate ?? 0,
      sentLast24Hours: answer.SentLast24Hours ?? 0,
    };
  }

  close(): void {
    this.client.destroy();
  }
}
