import { Redis } from 'ioredis';

/**
 * Troubleshooting (docs/runbooks.md): connects to Valkey with the service's settings (REDIS_HOST,
 * REDIS_PORT, REDIS_USERNAME, REDIS_PASSWORD, REDIS_TLS) and prints the answer to PING and the
 * server's version. Exits 1 when it cannot connect within 5 seconds. Never prints the password.
 */
async function main(): Promise<void> {
  const env = process.env;
  const host = env.REDIS_HOST ?? '127.0.0.1';
  const port = Number(env.REDIS_PORT ?? 6379);
  const tls = /^(1|true|yes)$/i.test(env.REDIS_TLS ?? '');
  const redis = new Redis({
    host,
    port,
    username: env.REDIS_USERNAME || undefined,
    password: env.REDIS_PASSWORD || undefined,
    tls: tls ? { servername: host } : undefined,
    lazyConnect: true,
    connectTimeout: 5_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let cause: Error | undefined; // the connection's own error ("Connection is closed" says less)
  redis.on('error', (error: Error) => (cause = error));
  try {
    await redis.connect();
    const pong = await redis.ping();
    const info = await redis.info('server');
    const version = /(?:valkey|redis)_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    console.log(`${host}:${port}${tls ? ' (TLS)' : ''}: ${pong}, server ${version}`);
  } catch (error) {
    console.error(`${host}:${port}${tls ? ' (TLS)' : ''}: ${(cause ?? (error as Error)).message}`);
    process.exitCode = 1;
  } finally {
    redis.disconnect();
  }
}

void main();
