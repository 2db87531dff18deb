import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createLocationResolver, type LocationMatch } from '../../modules/location';
import type { Locations } from './legacy-mapper';

const ROLE = 'legacy-import-locations';

interface Request {
  readonly id: number;
  readonly texts: readonly string[];
}

interface Reply {
  readonly id: number;
  readonly matches?: readonly (LocationMatch | null)[];
  readonly error?: string;
}

/**
 * The users' locations resolved in a worker thread: the place index (tens of megabytes, and as
 * much again while it is built) lives in the worker's own heap, works alongside the import, and is
 * gone entirely when the worker ends after the Users table. The mapper's synchronous calls are
 * answered from what `prepare` resolved for the batch.
 */
export class WorkerLocations implements Locations {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private next = 0;
  private answers = new Map<string, LocationMatch | null>();
  private failure: Error | null = null;

  constructor() {
    this.worker = startWorker(__filename);
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => {
      const pending = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      pending?.resolve(reply);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => {
      if (this.waiting.size > 0) this.fail(new Error(`the location worker stopped (exit code ${code})`));
    });
  }

  private fail(error: Error): void {
    this.failure = error;
    for (const pending of this.waiting.values()) pending.reject(error);
    this.waiting.clear();
  }

  /** Resolves the distinct `texts` of one batch; the answers replace the previous batch's. */
  async prepare(texts: readonly (string | null)[]): Promise<void> {
    if (this.failure) throw this.failure;
    const distinct = [...new Set(texts.filter((t): t is string => typeof t === 'string'))];
    const id = this.next++;
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, texts: distinct } satisfies Request);
    });
    if (reply.error !== undefined) throw new Error(`location worker: ${reply.error}`);
    this.answers = new Map(distinct.map((text, i) => [text, reply.matches![i] ?? null]));
  }

  resolveLocation(text: string | null | undefined): LocationMatch | null {
    if (typeof text !== 'string') return null;
    const match = this.answers.get(text);
    if (match === undefined) throw new Error(`location not prepared: ${JSON.stringify(text)}`);
    return match;
  }

  countryFromLegacyName(): never {
    throw new Error('country names are resolved in the import process');
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * The worker runs this very file. From the TypeScript sources (development, tests) it first
 * registers tsx's require hook, as the process that started it did.
 */
function startWorker(file: string): Worker {
  const options = { workerData: { role: ROLE } };
  if (path.extname(file) !== '.ts') return new Worker(file, options);
  const tsx = JSON.stringify(require.resolve('tsx/cjs/api'));
  return new Worker(`require(${tsx}).register(); require(${JSON.stringify(file)});`, {
    ...options,
    eval: true,
  });
}

/** The worker's side: one resolver, answering batches of texts. */
function serve(): void {
  const resolver = createLocationResolver();
  resolver.warmUp(); // while the import plans, before the first batch of users arrives
  parentPort!.on('message', ({ id, texts }: Request) => {
    try {
      const matches = texts.map((text) => {
        const match = resolver.resolveLocation(text);
        return match && { code: match.code, method: match.method, matched: match.matched };
      });
      parentPort!.postMessage({ id, matches } satisfies Reply);
    } catch (error) {
      parentPort!.postMessage({ id, error: (error as Error).message } satisfies Reply);
    }
  });
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === ROLE) serve();
