// graphql-ws on the /graphql path of the same HTTP server. The bearer token is
// checked once, on connection_init (connectionParams.authorization, or the
// upgrade request's Authorization header); each subscribe is then executed by
// Yoga's envelop, so scopes, limits and masking apply exactly as over HTTP.
// With the fast paths on, a result shared by many subscribers is encoded once
// (fast/ws-frames.ts); off, graphql-ws sends every message as it makes it.
import type { IncomingMessage, Server } from "node:http";
import { randomUUID } from "node:crypto";
import { GraphQLError } from "./graphql.js";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { Principal } from "./auth/principal.js";
import type { TokenAuthenticator } from "./auth/tokens.js";
import { requestContext, type ApiServices } from "./context.js";
import type { ApiYoga } from "./yoga.js";
import { briefError } from "./plugins/errors.js";
import { valueNestsDeeperThan } from "./http/json-nesting.js";
import { spliceSharedFrames } from "./fast/ws-frames.js";
import { sendsPages } from "./fast/pages.js";

export interface WsOptions {
  yoga: ApiYoga;
  services: ApiServices;
  auth: TokenAuthenticator;
  /** Whether a browser page of the upgrade's origin may use the server (http/cors.ts). */
  trustedOrigin: (req: IncomingMessage) => boolean;
  maxSubscriptionsPerConnection: number;
  maxPayload: number;
  maxJsonNesting: number;
  /** The fast paths (fast/): shared frames spliced into each socket's send. */
  fastPaths: boolean;
}

type ConnectionState = { principal?: Principal; active?: Set<string> } & Record<PropertyKey, unknown>;

export function attachWebSockets(server: Server, o: WsOptions) {
  const wss = new WebSocketServer({
    server,
    path: "/graphql",
    maxPayload: o.maxPayload,
    // browsers apply no CORS to WebSocket: a page of an origin the allow-list does not name is refused here
    verifyClient: ({ req }: { req: IncomingMessage }, done: (ok: boolean, status?: number, message?: string) => void) =>
      o.trustedOrigin(req) ? done(true) : done(false, 403, "cross-origin WebSocket refused: list the origin in CONVEYOR_CORS_ORIGINS"),
  });
  const jsonMessageReplacer = o.fastPaths ? spliceSharedFrames(wss) : undefined;
  const handle = useServer<Record<string, unknown>, ConnectionState>(
    {
      onConnect: (ctx) => {
        const param = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const header = typeof param === "string" ? param : ctx.extra.request.headers.authorization;
        const principal = o.auth.authenticate(header);
        if (!principal || principal.scopes.size === 0) return false; // closes with 4403 Forbidden
        ctx.extra.principal = principal;
        ctx.extra.active = new Set();
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        const active = ctx.extra.active!;
        if (active.size >= o.maxSubscriptionsPerConnection) {
          return [
            new GraphQLError(`at most ${o.maxSubscriptionsPerConnection} subscriptions per connection`, {
              extensions: { code: "TOO_MANY_SUBSCRIPTIONS" },
            }),
          ];
        }
        if (valueNestsDeeperThan(payload.variables, o.maxJsonNesting)) {
          return [
            new GraphQLError(`the variables nest arrays or objects more than ${o.maxJsonNesting} deep`, {
              extensions: { code: "JSON_TOO_DEEP" },
            }),
          ];
        }
        const context = requestContext(o.services, ctx.extra.principal!, randomUUID());
        const { schema, execute, subscribe, contextFactory, parse, validate } = o.yoga.getEnveloped({ ...context, params: payload });
        let document;
        try {
          document = parse(payload.query);
        } catch (err) {
          return [
            err instanceof GraphQLError
              ? briefError(err)
              : new GraphQLError("cannot parse the query", { extensions: { code: "GRAPHQL_PARSE_FAILED" } }),
          ];
        }
        const errors = validate(schema, document);
        if (errors.length > 0) return errors.map(briefError);
        active.add(id);
        const contextValue = await contextFactory();
        // a page of shared results goes out as one message per result (fast/ws-frames.ts)
        if (o.fastPaths) sendsPages(contextValue);
        return {
          schema,
          document,
          operationName: payload.operationName ?? null,
          variableValues: payload.variables ?? null,
          contextValue,
          rootValue: { execute, subscribe },
        };
      },
      onComplete: (ctx, id) => {
        ctx.extra.active?.delete(id);
      },
      ...(jsonMessageReplacer ? { jsonMessageReplacer } : {}),
      execute: (args) => (args.rootValue as { execute: (a: unknown) => never }).execute(args),
      subscribe: (args) => (args.rootValue as { subscribe: (a: unknown) => never }).subscribe(args),
    },
    wss,
  );
  return {
    /** Closes every socket with 1001 Going Away, then the server. */
    close: async () => {
      await handle.dispose();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}
