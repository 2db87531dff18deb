/**
 * A client process of bench/subscriptions.bench.ts: opens one WebSocket per login given, speaking
 * `graphql-transport-ws` with the raw `ws` package (the graphql-ws client per socket costs the
 * client machine more than the server), subscribes to harvestProgress, and records each event's
 * delivery delay (receipt time minus the `startedAt` the publisher stamped). Driven over IPC.
 */
import WebSocket from 'ws';

const QUERY =
  'subscription Bench($login: String!) { harvestProgress(login: $login) { login resync finished harvest { id status progress stage startedAt } } }';

const NEXT = Buffer.from('"type":"next"');
const STARTED_AT = Buffer.from('"startedAt":"');

interface Start {
  kind: 'start';
  url: string;
  logins: string[];
}

const sockets: WebSocket[] = [];
let measuring = false;
let latencies: number[] = [];
let received = 0;
let errors = 0;
let closed = 0;
const seen = new Set<number>();

function open(url: string, login: string, index: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', { perMessageDeflate: false });
    sockets.push(socket);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
    socket.on('message', (data: Buffer) => {
      // Read off the bytes: the client shares the machine with the server, so it does little per message.
      if (data.includes(NEXT)) {
        const receivedAt = Date.now();
        received++;
        seen.add(index);
        if (measuring) {
          const at = data.indexOf(STARTED_AT);
          if (at >= 0) {
            const from = at + STARTED_AT.length;
            latencies.push(receivedAt - Date.parse(data.toString('latin1', from, from + 24)));
          }
        }
        return;
      }
      const text = data.toString();
      if (text.includes('"connection_ack"')) {
        socket.send(
          JSON.stringify({ id: '1', type: 'subscribe', payload: { query: QUERY, variables: { login } } }),
        );
        resolve();
      } else if (text.includes('"type":"ping"')) {
        socket.send('{"type":"pong"}');
      } else if (text.includes('"type":"error"')) {
        errors++;
      }
    });
    socket.on('error', () => {
      errors++;
      resolve();
    });
    socket.on('close', () => {
      closed++;
      resolve();
    });
  });
}

process.on('message', async (message: Start | { kind: string }) => {
  if (message.kind === 'start') {
    const { url, logins } = message as Start;
    const concurrency = 100;
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < logins.length) {
          const i = next++;
          await open(url, logins[i]!, i);
        }
      }),
    );
    process.send!({ kind: 'opened', count: sockets.length, errors });
  } else if (message.kind === 'seen') {
    process.send!({ kind: 'seen', count: seen.size, received, errors, closed });
  } else if (message.kind === 'measure') {
    latencies = [];
    received = 0;
    measuring = true;
  } else if (message.kind === 'collect') {
    measuring = false;
    process.send!({ kind: 'collect', latencies, received, errors, closed });
  } else if (message.kind === 'close') {
    for (const socket of sockets) socket.terminate();
    process.exit(0);
  }
});
