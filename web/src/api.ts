// The dashboard's one connection to the server: queries and mutations over HTTP
// POST /graphql (Authorization header), subscriptions over one graphql-ws socket
// (the token in connection_init). When the socket drops, every live subscription
// is ended and, once it is back, started again from what the page last saw
// (`after`, `since`), so nothing is missed and nothing is shown twice.
import { createClient, type Client } from "graphql-ws";

export type ConnectionState = "connecting" | "connected" | "reconnecting" | "unauthorized";

const TOKEN_KEY = "conveyor.token";

export class GraphqlFailure extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

interface Live {
  start(): void;
  stop(): void;
}

export class Api {
  state: ConnectionState = "connecting";
  private client: Client | null = null;
  private readonly lives = new Set<Live>();
  private readonly watchers = new Set<(s: ConnectionState) => void>();
  private everConnected = false;

  constructor(private readonly base = location.origin) {}

  get token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  setToken(token: string | null): void {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
    this.connect();
  }

  onState(f: (s: ConnectionState) => void): () => void {
    this.watchers.add(f);
    return () => this.watchers.delete(f);
  }

  private setState(s: ConnectionState): void {
    if (this.state === s) return;
    this.state = s;
    for (const w of this.watchers) w(s);
  }

  connect(): void {
    for (const l of this.lives) l.stop();
    void this.client?.dispose();
    this.everConnected = false;
    this.setState("connecting");
    const client = createClient({
      url: `${this.base.replace(/^http/, "ws")}/graphql`,
      lazy: false,
      keepAlive: 5_000,
      retryAttempts: Infinity,
      connectionParams: () => (this.token ? { authorization: `Bearer ${this.token}` } : {}),
      // 4403: the token was refused; asking again would be refused too
      shouldRetry: (e) => !(e && typeof e === "object" && "code" in e && (e as CloseEvent).code === 4403),
      retryWait: (n) => new Promise((r) => setTimeout(r, Math.min(300 * 2 ** n, 4_000))),
      on: {
        connected: () => {
          if (client !== this.client) return;
          this.everConnected = true;
          this.setState("connected");
          for (const l of this.lives) l.start();
        },
        closed: (e) => {
          if (client !== this.client) return;
          for (const l of this.lives) l.stop();
          const code = (e as CloseEvent | undefined)?.code;
          this.setState(code === 4403 ? "unauthorized" : this.everConnected ? "reconnecting" : "connecting");
        },
      },
    });
    this.client = client;
  }

  async gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await fetch(`${this.base}/graphql`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json",
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    if (res.status === 401) {
      this.setState("unauthorized");
      throw new GraphqlFailure("the server needs a valid token", 401);
    }
    let body: { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
    try {
      body = (await res.json()) as typeof body;
    } catch {
      throw new GraphqlFailure(`the server answered ${res.status} without JSON`, res.status);
    }
    if (body.errors?.some((e) => e.extensions?.code === "UNAUTHENTICATED")) {
      this.setState("unauthorized");
      throw new GraphqlFailure(body.errors[0]!.message, 401);
    }
    if (body.errors?.length) throw new GraphqlFailure(body.errors.map((e) => e.message).join("; "), res.status);
    if (!body.data) throw new GraphqlFailure(`the server answered ${res.status} without data`, res.status);
    return body.data;
  }

  /**
   * A query over the socket: many at once share it, where HTTP/1.1 would queue
   * them six at a time (the run page reads a large run's tasks as pages side by side).
   */
  wsQuery<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const client = this.client;
    if (!client) return this.gql<T>(query, variables);
    return new Promise<T>((resolve, reject) => {
      let data: T | undefined;
      client.subscribe<T>(
        { query, variables },
        {
          next: (r) => {
            if (r.errors?.length) reject(new GraphqlFailure(r.errors.map((e) => e.message).join("; "), 200));
            else data = r.data as T;
          },
          error: (e) =>
            reject(
              new GraphqlFailure(
                Array.isArray(e) ? e.map((x: { message: string }) => x.message).join("; ") : "the connection closed before the answer",
                0,
              ),
            ),
          complete: () => (data === undefined ? reject(new GraphqlFailure("no answer", 0)) : resolve(data)),
        },
      );
    });
  }

  /**
   * A subscription that survives reconnects: `variables` is asked again at each
   * (re)start, so it can carry the last sequence seen. Returns the stop function.
   */
  live<T>(
    query: string,
    variables: () => Record<string, unknown>,
    onData: (data: T) => void,
    onError?: (message: string) => void,
  ): () => void {
    let dispose: (() => void) | null = null;
    const live: Live = {
      start: () => {
        dispose?.();
        const client = this.client;
        if (!client) return;
        dispose = client.subscribe<T>(
          { query, variables: variables() },
          {
            next: (r) => {
              if (r.errors?.length) onError?.(r.errors.map((e) => e.message).join("; "));
              if (r.data) onData(r.data as T);
            },
            error: (e) =>
              onError?.(
                Array.isArray(e)
                  ? e.map((x: { message: string }) => x.message).join("; ")
                  : e instanceof Error
                    ? e.message
                    : "the subscription ended",
              ),
            complete: () => {},
          },
        );
      },
      stop: () => {
        dispose?.();
        dispose = null;
      },
    };
    this.lives.add(live);
    if (this.state === "connected") live.start();
    return () => {
      live.stop();
      this.lives.delete(live);
    };
  }
}

export const api = new Api();
