import path from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Pages a SQLite writer may leave in its write-ahead log before its own commit copies them back
 * (SQLite's default is 1,000). Only a safety net: the checkpointer below runs long before.
 */
export const WRITER_AUTOCHECKPOINT_PAGES = 10_000;
/** How often the worker checkpoints each database. */
const INTERVAL_MS = 200;

type Reply = { type: 'added' | 'removed'; id: number; error?: string };
type Report = { type: 'checkpointed'; file: string; frames: number } | { type: 'error'; file: string; message: string };

/**
 * Checkpoints the process's SQLite databases from a worker thread. In WAL mode a commit only
 * appends to the log; copying the log back into the database file (a checkpoint, fsync
 * included) is by default done by whichever commit crosses 1,000 pages, on the event loop: under
 * a flash sale one commit in a few hundred stalled every request for 2 to 17 ms. The worker
 * does it on its own connection instead (PASSIVE: it never blocks a reader or a writer), and
 * the writers only checkpoint themselves should the log ever reach `WRITER_AUTOCHECKPOINT_PAGES`.
 * One worker serves every database of the process; it stops when the last one closes and never
 * keeps the process alive.
 */
class WalCheckpointer {
  private worker: Worker | null = null;
  private readonly files = new Map<string, number>();
  private readonly waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private nextId = 1;
  /** Frames copied back into each database file so far. */
  readonly checkpointed = new Map<string, number>();
  /** The last checkpoint that failed, per file (a checkpoint fails only on I/O errors). */
  readonly failures = new Map<string, string>();

  get running(): boolean {
    return this.worker !== null;
  }

  /** Starts checkpointing the SQLite file (already in WAL mode); a file added twice is counted twice. */
  async add(file: string): Promise<void> {
    const users = this.files.get(file) ?? 0;
    this.files.set(file, users + 1);
    if (users === 0) await this.send({ type: 'add', file });
  }

  /** Stops checkpointing the file once its last user removed it; call before closing its connections. */
  async remove(file: string): Promise<void> {
    const users = this.files.get(file) ?? 0;
    if (users > 1) {
      this.files.set(file, users - 1);
      return;
    }
    if (users === 0) return;
    this.files.delete(file);
    if (this.worker) await this.send({ type: 'remove', file });
    if (this.files.size === 0) this.stop();
  }

  private send(message: { type: 'add' | 'remove'; file: string }): Promise<void> {
    const worker = this.worker ?? this.spawn();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ ...message, id });
    });
  }

  private spawn(): Worker {
    const worker = new Worker(path.join(__dirname, 'wal-checkpoint-worker.js'), { workerData: { intervalMs: INTERVAL_MS } });
    worker.unref();
    worker.on('message', (message: Reply | Report) => {
      if (message.type === 'checkpointed') this.checkpointed.set(message.file, (this.checkpointed.get(message.file) ?? 0) + message.frames);
      else if (message.type === 'error') this.failures.set(message.file, message.message);
      else {
        const waiter = this.waiting.get(message.id);
        this.waiting.delete(message.id);
        if (message.error) waiter?.reject(new Error(`WAL checkpointer: ${message.error}`));
        else waiter?.resolve();
      }
    });
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      // Gone without being asked to stop: requests in flight fail, and the next one starts anew.
      this.worker = null;
      for (const waiter of this.waiting.values()) waiter.reject(new Error('WAL checkpointer stopped'));
      this.waiting.clear();
    });
    this.worker = worker;
    return worker;
  }

  private stop(): void {
    const worker = this.worker;
    this.worker = null;
    worker?.postMessage({ type: 'stop' });
  }
}

/** The process's one checkpointer. */
export const walCheckpointer = new WalCheckpointer();
