import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientIp } from '../../src/http/client-ip';

const request = (forwardedFor: string | undefined, remoteAddress = '10.0.0.9') =>
  ({
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    socket: { remoteAddress },
    connection: { remoteAddress },
  }) as unknown as IncomingMessage;

describe('clientIp (WebSocket upgrades use the same proxy trust as HTTP)', () => {
  it('ignores X-Forwarded-For when no proxy is trusted (a client could forge it)', () => {
    expect(clientIp(request('203.0.113.5'), 0)).toBe('10.0.0.9');
  });

  it('takes the address one hop back behind one trusted proxy (the ALB)', () => {
    expect(clientIp(request('203.0.113.5'), 1)).toBe('203.0.113.5');
    // A forged left-most entry is not believed: only the ALB's own append counts.
    expect(clientIp(request('198.51.100.1, 203.0.113.5'), 1)).toBe('203.0.113.5');
  });

  it('walks as many hops as are trusted, and no further', () => {
    expect(clientIp(request('198.51.100.1, 203.0.113.5'), 2)).toBe('198.51.100.1');
    expect(clientIp(request(undefined), 1)).toBe('10.0.0.9');
  });
});
