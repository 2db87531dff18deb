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

/**
 * Whether a send that failed may be tried again: throttling (SES: "wait ... then retry"),
 * 5xx answers, and failures that got no answer at all (network). Anything else SES refused
 * (MessageRejected, an unverified sender, a missing configuration set) stays refused.
 */
export function isRetryableSesError(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  if (e?.name && RETRYABLE.has(e.name)) return true;
  if (e?.$retryable) return true;
  const status = e?.$metadata?.httpStatusCode;
  if (status === undefined) return true; // no answer: network, DNS, timeout
  return status >= 500 || status === 429;
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
