// The parse cache is bounded in bytes (plugins/parse-cache.ts): however many
// distinct documents arrive, what it holds stays under its budget, a document
// over a sixteenth of the budget is not kept, and the weight follows the tokens.
import { describe, expect, it } from "vitest";
import { parse } from "../../src/api/graphql.js";
import { documentBytes, parseCaches } from "../../src/api/plugins/parse-cache.js";

const doc = (i: number, fields: number) => `{ ${Array.from({ length: fields }, (_, j) => `a${i}_${j}: __typename`).join(" ")} }`;

describe("parse cache bounded in bytes", () => {
  it("holds at most its budget of distinct documents, the most recent ones", () => {
    const caches = parseCaches(4 * 1024 * 1024);
    if (!caches) throw new Error("expected caches");
    for (let i = 0; i < 2_000; i++) {
      const source = doc(i, 50);
      caches.documentCache.set(source, parse(source));
    }
    expect(caches.documentCache.calculatedSize).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(caches.documentCache.size).toBeGreaterThan(10);
    expect(caches.documentCache.size).toBeLessThan(2_000);
    expect(caches.documentCache.has(doc(1_999, 50))).toBe(true);
    expect(caches.documentCache.has(doc(0, 50))).toBe(false);
  });

  it("does not keep a document heavier than a sixteenth of the budget", () => {
    const caches = parseCaches(1024 * 1024);
    if (!caches) throw new Error("expected caches");
    const big = doc(0, 1_000); // ~3,000 tokens: ~1.5 MB of AST
    caches.documentCache.set(big, parse(big));
    expect(caches.documentCache.has(big)).toBe(false);
    const small = doc(1, 5);
    caches.documentCache.set(small, parse(small));
    expect(caches.documentCache.has(small)).toBe(true);
  });

  it("weighs a document by its tokens and its text; 0 bytes turns caching off", () => {
    const small = doc(0, 10);
    const large = doc(0, 100);
    expect(documentBytes(parse(large), large)).toBeGreaterThan(8 * documentBytes(parse(small), small));
    const padded = `# ${"x".repeat(100_000)}\n${small}`;
    expect(documentBytes(parse(padded), padded) - documentBytes(parse(small), small)).toBeGreaterThanOrEqual(200_000);
    expect(parseCaches(0)).toBe(false);
  });
});
