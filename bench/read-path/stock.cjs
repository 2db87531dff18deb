/**
 * The stock stack, the yardstick for the floor: Apollo Server 5 with a type-graphql schema
 * on Fastify through @as-integrations/fastify, every setting at its default (production mode, as
 * the server under test runs), answering POST /graphql. In a process of its own like the server.
 * Usage: node stock.cjs <port>
 */
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS file run by node directly */
require('reflect-metadata');
const { ApolloServer } = require('@apollo/server');
const { default: fastifyApollo, fastifyApolloDrainPlugin } = require('@as-integrations/fastify');
const Fastify = require('fastify');
const { buildSchema, Query, Resolver } = require('type-graphql');

class HelloResolver {
  hello() {
    return 'world';
  }
}
// What TypeScript emits for `@Resolver() class HelloResolver { @Query(() => String) hello() }`.
Query(() => String)(
  HelloResolver.prototype,
  'hello',
  Object.getOwnPropertyDescriptor(HelloResolver.prototype, 'hello'),
);
Resolver()(HelloResolver);

async function main() {
  const [port] = process.argv.slice(2);
  const schema = await buildSchema({ resolvers: [HelloResolver] });
  const fastify = Fastify({ logger: false });
  const apollo = new ApolloServer({ schema, plugins: [fastifyApolloDrainPlugin(fastify)] });
  await apollo.start();
  await fastify.register(fastifyApollo(apollo));
  await fastify.listen({ host: '127.0.0.1', port: Number(port) });
  process.stdout.write('listening\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
