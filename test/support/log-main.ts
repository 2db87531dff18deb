/**
 * Logs one line through the service's stdout destination with LOG_BUFFER_BYTES of buffer, then
 * (LOG_THEN) stays alive for a minute, exits at once with process.exit, or throws (uncaught).
 */
import { createLogger, stdoutDestination } from '../../src/platform/logging/logger';

const logger = createLogger('info', stdoutDestination(Number(process.env.LOG_BUFFER_BYTES)));
logger.info({ n: 1 }, 'a line');
const then = process.env.LOG_THEN;
if (then === 'exit') process.exit(0);
if (then === 'throw') throw new Error('after the line');
setTimeout(() => undefined, 60_000);
