// Reads of the same key coalesced, never stale: at most one read per key is in
// flight, and everyone who asks meanwhile shares the next one, sent when it
// returns. 200 clients polling a run's state cost a database read per round
// trip instead of 200 queued for the pool's few connections, and every answer
// comes from a read sent after its question arrived (a client that saw a
// mutation's result never reads an older state afterwards).
interface Pending<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (err: unknown) => void;
}

interface Entry<T> {
  running: boolean;
  next: Pending<T> | null;
}

export class FreshReads<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly read: (key: string) => Promise<T>) {}

  get(key: string): Promise<T> {
    let e = this.entries.get(key);
    if (!e) this.entries.set(key, (e = { running: false, next: null }));
    if (e.next) return e.next.promise;
    let resolve!: (v: T) => void;
    let reject!: (err: unknown) => void;
    const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
    e.next = { promise, resolve, reject };
    if (!e.running) this.send(key, e);
    return promise;
  }

  private send(key: string, e: Entry<T>): void {
    const waiting = e.next!;
    e.next = null;
    e.running = true;
    const done = () => {
      e.running = false;
      if (e.next) this.send(key, e);
      else this.entries.delete(key);
    };
    this.read(key).then(
      (v) => (waiting.resolve(v), done()),
      (err: unknown) => (waiting.reject(err), done()),
    );
  }
}
