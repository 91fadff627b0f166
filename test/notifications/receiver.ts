// A webhook receiver on loopback for the tests: verifies every request with the
// standardwebhooks verifier and records what it accepted. `answer` decides the reply.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export interface Received {
  id: string;
  type: string;
  runId: string;
  body: Record<string, unknown>;
  status: number;
}

export interface Receiver {
  url: string;
  /** Every request that passed verification, answered with `status` (0: never answered). */
  received: Received[];
  /** Requests whose signature did not verify. */
  rejected: number;
  secret: string;
  answer: () => number | "hang";
  /** How long to wait before answering. */
  delayMs: number;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const r: Receiver = { url: "", received: [], rejected: 0, secret: "", answer: () => 200, delayMs: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let payload: Record<string, unknown>;
      try {
        payload = new Webhook(r.secret).verify(body, req.headers as Record<string, string>) as Record<string, unknown>;
      } catch {
        r.rejected++;
        res.writeHead(401).end();
        return;
      }
      const answer = r.answer();
      const data = (payload.data ?? {}) as { runId: string };
      r.received.push({
        id: String(req.headers["webhook-id"]),
        type: String(payload.type),
        runId: data.runId,
        body: payload,
        status: answer === "hang" ? 0 : answer,
      });
      if (answer === "hang") return; // never answers: the sender's timeout ends it
      setTimeout(() => res.writeHead(answer).end("ok"), r.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  r.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return r;
}

/** Each accepted id once: the ids a 2xx answered. */
export const delivered = (r: Receiver) => r.received.filter((x) => x.status >= 200 && x.status < 300);

export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = "condition"): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
