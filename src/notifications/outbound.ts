// One signed POST to an endpoint, bounded: a timeout over the whole exchange, at most
// `maxResponseBytes` of the answer read, no redirect followed. The address checked is the
// one connected to (the lookup below is the connection's own), so a name that resolves to a
// private address, or changes its answer between a check and the connection, is refused.
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { refusedAddress } from "./address-policy.js";

export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
}

export interface SendOptions {
  timeoutMs: number;
  maxResponseBytes: number;
  allowPrivate: boolean;
}

class RefusedAddressError extends Error {}

function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, "", 0);
      for (const a of addresses) {
        const why = refusedAddress(a.address, allowPrivate);
        if (why) return callback(new RefusedAddressError(`${hostname} resolves to ${why}`), "", 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

export function send(url: string, headers: Record<string, string>, body: string, o: SendOptions): Promise<SendResult> {
  const started = performance.now();
  const done = (r: Omit<SendResult, "latencyMs">): SendResult => ({ ...r, latencyMs: performance.now() - started });
  const target = new URL(url);
  const literal = target.hostname.replace(/^\[|\]$/g, "");
  if (isIP(literal)) {
    const why = refusedAddress(literal, o.allowPrivate);
    if (why) return Promise.resolve(done({ ok: false, statusCode: null, error: `refused: ${why}` }));
  }
  const request = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: Omit<SendResult, "latencyMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(done(r));
    };
    const req = request(target, {
      method: "POST",
      headers: {
        ...headers,
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        "user-agent": "Conveyor-Webhooks/1",
      },
      lookup: guardedLookup(o.allowPrivate),
      agent: false,
    });
    const timer = setTimeout(() => finish({ ok: false, statusCode: null, error: `timed out after ${o.timeoutMs} ms` }), o.timeoutMs);
    req.on("error", (err) => {
      const refused = err instanceof RefusedAddressError;
      finish({ ok: false, statusCode: null, error: refused ? `refused: ${err.message}` : err.message || String(err) });
    });
    req.on("response", (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      let read = 0;
      // the body is read only to let the exchange end; it is never kept beyond the limit
      res.on("data", (chunk: Buffer) => {
        read += chunk.length;
        if (read > o.maxResponseBytes) end(`response larger than ${o.maxResponseBytes} bytes: not read further`);
      });
      res.on("end", () => end(null));
      res.on("error", (err) => end(err.message));
      const end = (cut: string | null) => {
        const ok = status >= 200 && status < 300;
        const error = ok ? null : status >= 300 && status < 400 ? `HTTP ${status}: redirects are not followed` : `HTTP ${status}`;
        finish({ ok, statusCode: status, error: error ?? cut });
      };
    });
    req.end(body);
  });
}
