import type { PrismaClient } from "./generated/client.js";

/** The Prisma client as the storage modules use it. */
export type Db = PrismaClient;

/** Timestamps travel as epoch milliseconds; the database keeps timestamptz. */
export const ms = (d: Date | null | undefined): number | null => (d ? d.getTime() : null);
