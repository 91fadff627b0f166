// Yoga's parse and validation caches, bounded in bytes. Yoga's default holds
// 1,024 documents whatever their size: 1,024 distinct 1 MB queries keep about
// 1 GB, so any caller could grow the server's heap. Here each entry is weighed
// (its source text, and ~500 bytes per token for the AST graphql-js builds,
// locations and token list included, as measured on graphql 16), the whole
// cache holds at most `maxBytes`, and a document heavier than a sixteenth of
// that is not cached at all. Validation results are kept by Yoga in a WeakMap
// on the cached document, so they go when it goes.
import type { DocumentNode } from "graphql";
import { LRUCache } from "lru-cache";

const BYTES_PER_TOKEN = 500;
export const DEFAULT_PARSE_CACHE_BYTES = 32 * 1024 * 1024;

/** What the source text (UTF-16 at worst) and the AST of `document` hold. */
export function documentBytes(document: DocumentNode, source: string): number {
  let tokens = 0;
  for (let t = document.loc?.startToken ?? null; t; t = t.next) tokens++;
  return 2 * source.length + BYTES_PER_TOKEN * Math.max(tokens, 1);
}

export interface ParseCaches {
  documentCache: LRUCache<string, DocumentNode>;
  errorCache: LRUCache<string, Error>;
}

/** `maxBytes` for parsed documents, a sixteenth of it for parse errors (which keep their source). 0 turns caching off. */
export function parseCaches(maxBytes: number): ParseCaches | false {
  if (maxBytes <= 0) return false;
  const errorBytes = Math.max(1, Math.floor(maxBytes / 16));
  return {
    documentCache: new LRUCache<string, DocumentNode>({
      maxSize: maxBytes,
      maxEntrySize: Math.max(1, Math.floor(maxBytes / 16)),
      sizeCalculation: (document, source) => documentBytes(document, source),
    }),
    errorCache: new LRUCache<string, Error>({
      maxSize: errorBytes,
      maxEntrySize: Math.max(1, Math.floor(errorBytes / 16)),
      sizeCalculation: (error, source) => 2 * (source.length + error.message.length) + 1_024,
    }),
  };
}
