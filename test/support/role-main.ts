/**
 * The real entry point (`run` from src/main.ts) in the role ROLE (`api`, `worker` or `all`), for
 * tests that run several processes. Prints `started <role> <port>` once ready.
 */
import 'reflect-metadata';
import { runChildApp } from './child-main';

const role = process.env.ROLE ?? 'all';
runChildApp([role], {}, (config) => `started ${role} ${config.http.port}`);
