/**
 * The ceiling: a bare Fastify route answering POST /graphql with a precomputed body (the bytes of
 * scenario (a)'s answer), in a process of its own like the server under test.
 * Usage: node ceiling.cjs <port> <body file>
 */
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS file run by node directly */
const { readFileSync } = require('node:fs');
const Fastify = require('fastify');

const [port, bodyFile] = process.argv.slice(2);
const body = readFileSync(bodyFile);
const app = Fastify({ logger: false });
app.post('/graphql', (_request, reply) => {
  reply.type('application/json; charset=utf-8').send(body);
});
app.listen({ host: '127.0.0.1', port: Number(port) }).then(
  () => process.stdout.write('listening\n'),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
