// The library internals the API's fast paths (src/api/fast/) stand on, one check
// each. They are not public contracts: an upgrade of graphql-yoga, graphql-ws or
// ws may change them without notice, and the fast paths would then fail subtly
// (frames with a placeholder in them, a query answered differently). Each check
// fails with a message naming the internal, the file that relies on it and the
// versions it was checked against, so that an upgrade stops here first.
import { createRequire } from "node:module";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type * as G from "graphql";
import { createYoga, processRegularResult, type Plugin } from "graphql-yoga";
import { createClient } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import WebSocket, { WebSocketServer } from "ws";
import { afterAll, describe, expect, it } from "vitest";
import { sharedJson, useSharedExecution } from "../../src/api/fast/shared-execution.js";
import { spliceSharedFrames } from "../../src/api/fast/ws-frames.js";

const require = createRequire(import.meta.url);
// the CommonJS build, as src/api/graphql.ts explains
const g = require("graphql") as typeof G;
const manifest = require("../../package.json") as { dependencies: Record<string, string> };

/** The packages whose internals the fast paths touch: pinned exactly in package.json. */
const PINNED = ["graphql-yoga", "graphql-ws", "ws"] as const;
const pins = PINNED.map((p) => `${p}@${manifest.dependencies[p]}`).join(", ");

/** A check of one internal: its failure says loudly what changed and what to do. */
function internal(what: string, reliedOnBy: string, check: () => unknown) {
  it(what, async () => {
    try {
      await check();
    } catch (err) {
      throw new Error(
        [
          "",
          "=== AN INTERNAL THE API'S FAST PATHS RELY ON HAS CHANGED ===",
          `internal:      ${what}`,
          `relied on by:  ${reliedOnBy}`,
          `checked with:  ${pins}`,
          "Adapt that file to the new version (or drop the fast path), then pin the new version in package.json.",
          "Until then, CONVEYOR_API_FAST_PATHS=false serves through plain Yoga and graphql-ws.",
          `what failed:   ${err instanceof Error ? err.message : JSON.stringify(err)}`,
        ].join("\n"),
        { cause: err },
      );
    }
  });
}

const Item = new g.GraphQLObjectType<{ n: number }>({ name: "Item", fields: { n: { type: g.GraphQLInt } } });
const schema = new g.GraphQLSchema({
  query: new g.GraphQLObjectType({ name: "Query", fields: { ok: { type: g.GraphQLBoolean, resolve: () => true } } }),
  subscription: new g.GraphQLObjectType({
    name: "Subscription",
    fields: {
      items: {
        type: Item,
        extensions: { sharedPayload: true },
        subscribe: async function* () {
          yield { n: 1 };
          yield { n: 2 };
        },
        resolve: (p: unknown) => p,
      },
    },
  }),
});
const SUBSCRIBE = "subscription { items { n } }";

describe("the exact versions the fast paths were checked against", () => {
  it.each(PINNED)("%s is pinned exactly and installed at that version", (name) => {
    const spec = manifest.dependencies[name]!;
    const installed = (require(`${name}/package.json`) as { version: string }).version;
    expect(spec, `${name} must be pinned to an exact version in package.json (src/api/fast/ relies on its internals)`).toMatch(
      /^\d+\.\d+\.\d+$/,
    );
    expect(
      installed,
      `${name} installed is ${installed}, package.json pins ${spec}: the fast paths were checked against ${spec} only`,
    ).toBe(spec);
  });
});

describe("Yoga internals (src/api/fast/direct-query.ts, src/api/fast/shared-execution.ts)", () => {
  const subscribed: string[] = [];
  const watch: Plugin = {
    onSubscribe({ setSubscribeFn, subscribeFn }) {
      setSubscribeFn((args: G.ExecutionArgs) => (subscribed.push("ours"), subscribeFn(args)));
    },
  };
  const yoga = createYoga({ schema, logging: false, maskedErrors: false, plugins: [watch] });

  internal(
    "yoga.getEnveloped(context) gives schema, parse, validate, contextFactory, execute and subscribe that run a query",
    "src/api/fast/direct-query.ts",
    async () => {
      const e = yoga.getEnveloped({ params: { query: "{ ok }" } });
      for (const f of ["parse", "validate", "contextFactory", "execute", "subscribe"] as const)
        expect(typeof e[f], `getEnveloped().${f}`).toBe("function");
      const document = e.parse("{ ok }");
      expect(e.validate(e.schema, document)).toEqual([]);
      expect(await e.execute({ schema: e.schema, document, contextValue: await e.contextFactory() })).toEqual({ data: { ok: true } });
    },
  );

  internal(
    'processRegularResult(result, fetchAPI, "application/json") is exported and makes the Response Yoga would send',
    "src/api/fast/direct-query.ts",
    async () => {
      expect(typeof processRegularResult).toBe("function");
      const response = processRegularResult(
        { errors: [new g.GraphQLError("bad", { extensions: { code: "X" } })] },
        yoga.fetchAPI,
        "application/json",
      );
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(JSON.parse(await response.text())).toEqual({ errors: [{ message: "bad", extensions: { code: "X" } }] });
    },
  );

  internal(
    "an envelop plugin's onSubscribe({ setSubscribeFn }) replaces the subscribe Yoga runs",
    "src/api/fast/shared-execution.ts",
    async () => {
      subscribed.length = 0;
      const e = yoga.getEnveloped({ params: { query: SUBSCRIBE } });
      const out = (await e.subscribe({
        schema: e.schema,
        document: e.parse(SUBSCRIBE),
        contextValue: await e.contextFactory(),
      })) as AsyncIterable<unknown>;
      const results = [];
      for await (const r of out) results.push(r);
      expect(subscribed).toEqual(["ours"]);
      expect(results).toEqual([{ data: { items: { n: 1 } } }, { data: { items: { n: 2 } } }]);
    },
  );
});

describe("graphql-ws and ws internals (src/api/fast/ws-frames.ts, src/api/fast/send-batching.ts)", () => {
  const shared = createYoga({ schema, logging: false, maskedErrors: false, plugins: [useSharedExecution()] });
  const replaced: { key: string; shared: boolean }[] = [];
  const sent: { type: string; rest: string[] }[] = [];
  let server: Server;
  let wss: WebSocketServer;
  let url = "";

  const started = (async () => {
    server = createServer();
    wss = new WebSocketServer({ server, path: "/graphql" });
    const splice = spliceSharedFrames(wss);
    // registered after the splicing one and before graphql-ws's own listener: sees each send as graphql-ws calls it
    wss.on("connection", (socket) => {
      const send = socket.send.bind(socket) as (...a: unknown[]) => void;
      socket.send = ((data: unknown, ...rest: unknown[]) => (
        sent.push({ type: typeof data, rest: rest.map((r) => typeof r) }),
        send(data, ...rest)
      )) as typeof socket.send;
    });
    useServer(
      {
        schema,
        context: () => ({}),
        subscribe: (args) => shared.getEnveloped({}).subscribe(args) as never,
        jsonMessageReplacer: (key, value: unknown) => {
          replaced.push({ key, shared: key === "data" && sharedJson(value) !== undefined });
          return splice(key, value);
        },
      },
      wss,
    );
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  })();
  afterAll(async () => {
    await new Promise<void>((r) => wss.close(() => r()));
    await new Promise<void>((r) => server.close(() => r()));
  });

  /** Raw frames a client receives for one subscription, and whether each was binary. */
  async function subscribeRaw(): Promise<{ text: string; binary: boolean }[]> {
    await started;
    const socket = new WebSocket(url, "graphql-transport-ws");
    const frames: { text: string; binary: boolean }[] = [];
    await new Promise<void>((resolve, reject) => {
      setTimeout(() => reject(new Error(`no "complete" frame within 5 s; frames so far: ${JSON.stringify(frames)}`)), 5_000).unref();
      socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init" })));
      socket.on("error", reject);
      socket.on("message", (data: Buffer, binary: boolean) => {
        const text = data.toString("utf8");
        const m = JSON.parse(text) as { type: string };
        if (m.type === "connection_ack")
          return void socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: SUBSCRIBE } }));
        frames.push({ text, binary });
        if (m.type === "complete") resolve();
      });
    });
    socket.close();
    return frames;
  }

  internal(
    'useServer stringifies each message with JSON.stringify(message, jsonMessageReplacer): a "next" payload\'s data reaches it under the key "data", as the very object executed',
    "src/api/fast/ws-frames.ts",
    async () => {
      replaced.length = 0;
      await subscribeRaw();
      expect(replaced.filter((r) => r.key === "data")).toEqual([
        { key: "data", shared: true },
        { key: "data", shared: true },
      ]);
    },
  );

  internal(
    "graphql-ws sends each message through the ws socket's own send(text, callback), called on the socket after the connection listeners ran",
    "src/api/fast/ws-frames.ts",
    async () => {
      sent.length = 0;
      await subscribeRaw();
      expect(sent.length).toBeGreaterThanOrEqual(3); // connection_ack, next, next, complete
      for (const s of sent) expect(s).toEqual({ type: "string", rest: ["function"] });
    },
  );

  internal(
    "ws sends a Buffer given { binary: false } as a text frame, and the spliced frame arrives whole",
    "src/api/fast/ws-frames.ts",
    async () => {
      const frames = await subscribeRaw();
      expect(frames.map((f) => f.binary)).toEqual([false, false, false]);
      expect(frames.map((f) => JSON.parse(f.text) as unknown)).toEqual([
        { id: "1", type: "next", payload: { data: { items: { n: 1 } } } },
        { id: "1", type: "next", payload: { data: { items: { n: 2 } } } },
        { id: "1", type: "complete" },
      ]);
    },
  );

  internal(
    "ws's send(text) writes the frame to the upgrade request's socket before it returns, when no extension is negotiated (extensions is \"\")",
    "src/api/fast/send-batching.ts",
    async () => {
      const own = createServer();
      const ownWss = new WebSocketServer({ server: own });
      const accepted = new Promise<{ socket: WebSocket; tcp: import("node:net").Socket }>((resolve) =>
        ownWss.on("connection", (socket, req) => resolve({ socket, tcp: req.socket })),
      );
      await new Promise<void>((r) => own.listen(0, "127.0.0.1", r));
      const client = new WebSocket(`ws://127.0.0.1:${(own.address() as AddressInfo).port}`);
      await new Promise((r) => client.once("open", r));
      try {
        const { socket, tcp } = await accepted;
        expect(socket.extensions).toBe("");
        tcp.cork();
        const before = tcp.writableLength;
        socket.send("abc");
        expect(tcp.writableLength - before, "bytes of a 3-byte text frame queued on the socket by send()").toBe(5);
        tcp.uncork();
      } finally {
        client.close();
        await new Promise<void>((r) => ownWss.close(() => r()));
        await new Promise<void>((r) => own.close(() => r()));
      }
    },
  );

  internal("a graphql-ws client gets a shared result whole (the placeholder never leaks)", "src/api/fast/ws-frames.ts", async () => {
    await started;
    const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    const got: unknown[] = [];
    await new Promise<void>((resolve, reject) => {
      setTimeout(() => reject(new Error(`no completion within 5 s; results so far: ${JSON.stringify(got)}`)), 5_000).unref();
      client.subscribe({ query: SUBSCRIBE }, { next: (r) => void got.push(r), error: reject, complete: resolve });
    });
    await client.dispose();
    expect(got).toEqual([{ data: { items: { n: 1 } } }, { data: { items: { n: 2 } } }]);
  });
});
