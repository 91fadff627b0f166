// Calls of one kind gathered into one statement, as the group commit gathers
// transitions: the first call goes at once; calls made while it is in flight wait
// for it and then go together. An idle store answers as fast as before, and a busy
// one sends one statement for many callers: when a thousand small runs start at
// once, each statement's round trip (a socket write, a parse, a plan, a reply)
// costs more than the rows it carries.
export class Gathered<Req, Res> {
  private waiting: { req: Req; resolve: (r: Res) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = false;

  /**
   * `send` answers every request of a batch, in order. `maxBatch` bounds a batch;
   * with `retryAlone`, a batch that fails is sent again one call at a time, so a
   * call the database refuses fails alone rather than with every call beside it.
   */
  constructor(
    private readonly send: (reqs: Req[]) => Promise<Res[]>,
    private readonly opts: { maxBatch?: number; retryAlone?: boolean } = {},
  ) {}

  call(req: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      this.waiting.push({ req, resolve, reject });
      if (!this.inFlight) this.flush();
    });
  }

  private flush(): void {
    const batch = this.waiting.splice(0, this.opts.maxBatch ?? this.waiting.length);
    this.inFlight = true;
    const settle = () => {
      this.inFlight = false;
      if (this.waiting.length > 0) this.flush();
    };
    this.send(batch.map((b) => b.req)).then(
      (answers) => {
        batch.forEach((b, i) => b.resolve(answers[i]!));
        settle();
      },
      (err: unknown) => {
        if (this.opts.retryAlone && batch.length > 1) {
          const alone = batch.map((b) => this.send([b.req]).then(([answer]) => b.resolve(answer!), b.reject));
          void Promise.all(alone).then(settle);
          return;
        }
        // one failed statement fails each call it carried, as it would have failed alone
        for (const b of batch) b.reject(err);
        settle();
      },
    );
  }
}
