import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  assertNotReserved,
  freePort,
  probePort,
  RESERVED_PORTS,
  waitUntilPortRefuses,
} from '../support/free-port';

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.end());
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('freePort', () => {
  it('hands out distinct ports that can be bound on 127.0.0.1 and are never the shared ones', async () => {
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    expect(new Set(ports).size).toBe(3);
    for (const port of ports) {
      expect(port).toBeGreaterThan(1024);
      expect(RESERVED_PORTS.has(port)).toBe(false);
      const server = await listen(port);
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('probePort tells an open port from a refusing one; waitUntilPortRefuses waits for the close', async () => {
    const port = await freePort();
    expect(await probePort(port)).toBe('refused');
    const server = await listen(port);
    expect(await probePort(port)).toBe('open');
    setTimeout(() => server.close(), 200);
    const started = Date.now();
    await waitUntilPortRefuses(port, 5_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(await probePort(port)).toBe('refused');
  });

  it('waitUntilPortRefuses gives up with a clear error when the port stays open', async () => {
    const server = await listen(await freePort());
    try {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      await expect(waitUntilPortRefuses(port, 300)).rejects.toThrow(`port ${port} to refuse connections`);
    } finally {
      server.close();
    }
  });

  it('assertNotReserved refuses the shared PostgreSQL and Redis ports', () => {
    expect(() => assertNotReserved(5432)).toThrow(/shared service/);
    expect(() => assertNotReserved(6379)).toThrow(/shared service/);
    expect(() => assertNotReserved(40000)).not.toThrow();
  });
});
