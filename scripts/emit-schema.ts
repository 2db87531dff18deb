/**
 * Writes schema/schema.graphql from the resolvers (`npm run schema:emit`), or with `--check`
 * fails when the committed file differs from what the code builds (CI).
 */
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { buildAppSchema, printAppSchema } from '../src/graphql/schema';
import { SCHEMA_FILE } from '../src/graphql/schema-file';
import { appModules } from '../src/app';
import { resolversOf } from '../src/core/module';
import { createMemoryPubSub } from '../src/platform/pubsub/pubsub';
import { createLogger } from '../src/platform/logging/logger';

async function main(): Promise<number> {
  // Building the schema instantiates no resolver, so no services are needed here.
  const schema = await buildAppSchema({
    resolvers: resolversOf(appModules()),
    pubSub: createMemoryPubSub(createLogger('silent')),
  });
  const sdl = printAppSchema(schema);
  if (process.argv.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(SCHEMA_FILE, 'utf8');
    } catch {
      // missing file: reported as drift below
    }
    if (committed !== sdl) {
      console.error('schema/schema.graphql is out of date: run `npm run schema:emit` and commit the result');
      return 1;
    }
    console.log('schema/schema.graphql matches the code');
    return 0;
  }
  writeFileSync(SCHEMA_FILE, sdl);
  console.log(`wrote ${SCHEMA_FILE}`);
  return 0;
}

main().then((code) => process.exit(code));
