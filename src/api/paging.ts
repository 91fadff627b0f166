// Page sizes are bounded: a connection asks for at most MAX_PAGE_SIZE items.
import { GraphQLError } from "./graphql.js";

export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 50;

/** Connections page forward only: the schema offers first/after, not last/before. */
export interface ForwardArgs {
  first?: number | null;
  after?: string | null;
}

export const TOTAL_COUNT = "How many items the connection holds in all (its filter applied), whatever the page";

export function pageSize(args: ForwardArgs): number {
  const n = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE_SIZE) {
    throw new GraphQLError(`first must be between 0 and ${MAX_PAGE_SIZE}`, { extensions: { code: "BAD_USER_INPUT" } });
  }
  return n;
}

/** A forward page: `items` were fetched as n + 1 to learn whether more follow. */
export function forwardPage<T>(items: T[], n: number, cursor: (item: T) => string, after: string | null | undefined) {
  const page = items.slice(0, n);
  return {
    edges: page.map((node) => ({ node, cursor: cursor(node) })),
    pageInfo: {
      hasNextPage: items.length > n,
      hasPreviousPage: Boolean(after),
      startCursor: page.length ? cursor(page[0]!) : null,
      endCursor: page.length ? cursor(page[page.length - 1]!) : null,
    },
  };
}

export function intCursor(after: string | null | undefined, name = "after"): number {
  if (after == null) return 0;
  const n = Number(after);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new GraphQLError(`${name} is not a valid cursor`, { extensions: { code: "BAD_USER_INPUT" } });
  return n;
}
