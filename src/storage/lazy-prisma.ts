// The Prisma client, made on first use. The hot paths (starting, driving and
// resuming runs) speak SQL through the driver; only some reads go through Prisma,
// and its runtime and generated client take ~0.1 s of CPU to load, which a
// `conveyor run` should not pay before its first task starts.
import type { PrismaClient } from "./generated/client.js";

export interface LazyPrisma {
  /** The client, loaded and made by the first call; every call gets the same one. */
  get(): Promise<PrismaClient>;
  /** Disconnects the client if it was ever made. */
  disconnect(): Promise<void>;
}

export function lazyPrisma(make: () => Promise<PrismaClient>): LazyPrisma {
  let client: Promise<PrismaClient> | undefined;
  return {
    get: () => (client ??= make()),
    disconnect: async () => {
      const made = await client?.catch(() => undefined);
      await made?.$disconnect();
    },
  };
}
