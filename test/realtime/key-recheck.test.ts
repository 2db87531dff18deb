import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors';
import { openConnection, startKeyRecheck } from '../../src/http/socket-connections';
import { createLogger } from '../../src/platform/logging/logger';
import { waitFor } from '../support/free-port';

/**
 * Issue 11: the keys of every open WebSocket are re-checked together, one look-up per interval
 * for all connections (the end-to-end revocation is in subscriptions.test.ts).
 */
describe('startKeyRecheck', () => {
  it('asks once per interval for every connection with subscriptions, and ends the refused ones', async () => {
    const connections = Array.from({ length: 200 }, (_, i) => ({
      connection: openConnection(),
      keyId: i % 4 === 3 ? undefined : `key-${i % 50}`, // anonymous ones are not checked
    }));
    connections.forEach(({ connection }, i) => i < 150 && connection.subscriptions.add('1'));
    const endedWith = connections.map(() => 'open');
    connections.forEach(({ connection }, i) =>
      connection.whenEnded((e) => (endedWith[i] = String(e.extensions.code))),
    );
    const calls: (readonly string[])[] = [];
    const revoked = new DomainError('UNAUTHENTICATED', 'API key revoked');
    const stop = startKeyRecheck({
      intervalMs: 50,
      connections: () => connections,
      rejected: async (keyIds) => {
        calls.push(keyIds);
        return new Map([['key-7', revoked]]);
      },
      logger: createLogger('silent'),
    });
    try {
      await waitFor(async () => calls.length >= 2, 'two re-checks', 5_000);
    } finally {
      stop();
    }
    const expected = connections
      .filter(({ connection, keyId }) => keyId && connection.subscriptions.size > 0)
      .map(({ keyId }) => keyId);
    expect(calls[0]).toEqual(expected); // one call carries every connection's key
    const ended = endedWith;
    connections.forEach(({ keyId, connection }, i) => {
      const refused = keyId === 'key-7' && connection.subscriptions.size > 0;
      expect(ended[i]).toBe(refused ? 'UNAUTHENTICATED' : 'open');
      expect(connection.listening).toBe(refused ? 0 : 1); // called back once, then forgotten
    });
    expect(ended.filter((e) => e === 'UNAUTHENTICATED').length).toBeGreaterThan(0);
  });
});
