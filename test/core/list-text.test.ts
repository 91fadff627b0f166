// Lists in messages are cut after 10 items (src/core/list-text.ts), as the errors naming ids show.
import { describe, expect, it } from "vitest";
import { UnknownTasksError } from "../../src/core/errors.js";
import { listSome } from "../../src/core/list-text.js";

describe("listSome", () => {
  it("joins up to the limit, then says how many more", () => {
    expect(listSome(["a", "b"])).toBe("a, b");
    expect(listSome(["a", "b", "c"], 2)).toBe("a, b … and 1 more");
    const ids = Array.from({ length: 10_000 }, (_, i) => String(i + 1));
    expect(new UnknownTasksError(ids).message).toBe("unknown task ids: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 … and 9,990 more");
  });
});
