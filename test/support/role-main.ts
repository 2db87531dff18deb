/**
 * The real entry point (`run` from src/main.ts) in the role ROLE (`api`, `worker` or `all`), for
 * tests that run several processes. Prints `started <role> <port>` once ready.
 */
import 'reflect-metadata';
import { run } from '../../src/main';

const role = process.env.ROLE ?? 'all';
run([role], { handleSignals: true }).then(
  (result) => {
    if (typeof result === 'number') process.exit(result);
    process.stdout.write(`started ${role} ${result.config.http.port}\n`);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
