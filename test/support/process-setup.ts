import 'reflect-metadata';
import { releaseIdleAsyncContexts } from '../../src/platform/database/idle-async-contexts';

// Every test process runs as the server's own process does (src/main.ts), so the whole suite,
// every transaction included, runs with idle async contexts released.
releaseIdleAsyncContexts();
