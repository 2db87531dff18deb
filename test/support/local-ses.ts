import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, request as httpRequest, type Server } from 'node:http';
import path from 'node:path';
import { REPO_ROOT } from './child-process';
import { freePort } from './free-port';

/** One e-mail as aws-ses-v2-local keeps it (`GET /store`). */
export interface StoredEmail {
  readonly messageId: string;
  readonly from: string;
  readonly destination: { readonly to: readonly string[] };
  readonly subject: string;
  readonly body: { readonly text?: string; readonly html?: string };
  readonly at: number;
}

export interface LocalSes {
  readonly url: string;
  emails(): Promise<StoredEmail[]>;
  /** Resolves once `count` e-mails to `to` are stored (polls the store). */
  waitFor(to: string, count?: number, timeoutMs?: number): Promise<StoredEmail[]>;
  close(): Promise<void>;
}

/**
 * aws-ses-v2-local (pinned in package.json) as a real process on a free port: SES v1
 * SendEmail/SendRawEmail and v2, storing what it receives; `GET /store` reads it back.
 */
export async function startLocalSes(): Promise<LocalSes> {
  const port = await freePort();
  const cli = path.join(REPO_ROOT, 'node_modules', 'aws-ses-v2-local', 'dist', 'cli.js');
  const child: ChildProcess = spawn(process.execPath, [cli, '--host', '127.0.0.1', '--port', String(port)], {
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const up = await fetch(`${url}/health-check`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('aws-ses-v2-local did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const emails = async () =>
    ((await (await fetch(`${url}/store`)).json()) as { emails: StoredEmail[] }).emails;
  return {
    url,
    emails,
    async waitFor(to, count = 1, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const mine = (await emails()).filter((e) => e.destination.to.some((t) => t.includes(to)));
        if (mine.length >= count) return mine;
        if (Date.now() > until) throw new Error(`${mine.length} of ${count} e-mails to ${to} arrived`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A request the proxy saw: the SES Query action, and for SendRawEmail the raw MIME message. */
export interface SeenCall {
  readonly action: string;
  readonly raw?: string;
}

export interface SesProxy {
  readonly url: string;
  readonly calls: SeenCall[];
  /** The next `n` SendRawEmail calls are answered with SES's Throttling error. */
  throttle(n: number): void;
  /** From now on SendRawEmail is forwarded but never answered (the caller waits: "mid-send"). */
  holdAnswers(hold: boolean): void;
  close(): Promise<void>;
}

/**
 * A small proxy in front of aws-ses-v2-local for what it cannot do, each answer shaped as SES's
 * Query API documents it:
 * - `Throttling` ("Maximum sending rate exceeded."): SES developer guide, "Errors related to the
 *   sending quotas for your Amazon SES account" (docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas-errors.html):
 *   an API caller over its rate gets a throttling error with that message and should retry later;
 *   a Query API error is an `ErrorResponse` with `Error/Type`, `Code`, `Message` and a `RequestId`.
 * - `GetSendQuota` (aws-ses-v2-local does not implement it and never answers it): the documented
 *   `GetSendQuotaResult` fields Max24HourSend, MaxSendRate, SentLast24Hours.
 * Everything else is forwarded unchanged.
 */
export async function startSesProxy(
  target: string,
  quota = { max24HourSend: 200, maxSendRate: 14 },
): Promise<SesProxy> {
  const calls: SeenCall[] = [];
  let throttled = 0;
  let hold = false;
  let sent = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const form = new URLSearchParams(body.toString('utf8'));
      const action = form.get('Action') ?? '';
      const raw = form.get('RawMessage.Data');
      calls.push({ action, raw: raw ? Buffer.from(raw, 'base64').toString('utf8') : undefined });
      const requestId = `req-${calls.length}`;
      if (action === 'SendRawEmail' && throttled > 0) {
        throttled--;
        res.writeHead(400, { 'content-type': 'text/xml' });
        res.end(
          `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Maximum sending rate exceeded.</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
        );
        return;
      }
      if (action === 'GetSendQuota') {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(
          `<GetSendQuotaResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><GetSendQuotaResult><SentLast24Hours>${sent}.0</SentLast24Hours><Max24HourSend>${quota.max24HourSend}.0</Max24HourSend><MaxSendRate>${quota.maxSendRate}.0</MaxSendRate></GetSendQuotaResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetSendQuotaResponse>`,
        );
        return;
      }
      const holding = hold && action === 'SendRawEmail';
      const upstream = httpRequest(
        `${target}${req.url}`,
        { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (c: Buffer) => parts.push(c));
          answer.on('end', () => {
            if (action === 'SendRawEmail' && answer.statusCode === 200) sent++;
            if (holding) return; // the message is stored upstream; the caller never hears back
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(parts));
          });
        },
      );
      upstream.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    throttle: (n) => (throttled = n),
    holdAnswers: (h) => (hold = h),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
