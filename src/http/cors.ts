import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/** Headers a browser client may send: the API key, JSON, Apollo's CSRF preflight headers, tracing. */
const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'x-request-id',
];

/** Headers a browser client may read: tracing and rate-limit state. */
const EXPOSED_HEADERS = [
  'x-request-id',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'ratelimit-policy',
  'retry-after',
];

/**
 * CORS for the configured browser origins only (CORS_ORIGINS). With none configured nothing is
 * registered and no response carries CORS headers, so browsers on other sites cannot read ours.
 * Credentials (cookies) are never allowed: callers authenticate with an API key header.
 */
export async function registerCors(fastify: FastifyInstance, origins: readonly string[]): Promise<void> {
  if (origins.length === 0) return;
  await fastify.register(cors, {
    origin: origins.includes('*') ? '*' : [...origins],
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    credentials: false,
    maxAge: 600,
    strictPreflight: true,
  });
}
