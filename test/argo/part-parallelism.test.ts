// Sharing maxParallel among a split run's Workflows: never more than maxParallel
// pods can run, and a new part gets what the running one cannot use.
import { describe, expect, it } from "vitest";
import { raises, roomForNext } from "../../src/executors/argo/part-parallelism.js";

const part = (name: string, parallelism: number, unsettled: number) => ({ name, parallelism, unsettled });

describe("part parallelism", () => {
  it("a new part gets what the running one's unsettled tasks leave, and waits while two run", () => {
    expect(roomForNext([], 8)).toBe(8);
    expect(roomForNext([part("a", 8, 3)], 8)).toBe(5);
    expect(roomForNext([part("a", 8, 8)], 8)).toBe(0);
    expect(roomForNext([part("a", 8, 30)], 8)).toBe(0);
    expect(roomForNext([part("a", 8, 1), part("b", 7, 1)], 8)).toBe(0);
  });

  it("raises a newer part as the older settles, never lowering one", () => {
    expect(raises([part("a", 8, 2), part("b", 5, 40)], 8)).toEqual([{ name: "b", parallelism: 6 }]);
    expect(raises([part("b", 5, 40)], 8)).toEqual([{ name: "b", parallelism: 8 }]);
    expect(raises([part("a", 8, 3), part("b", 5, 40)], 8)).toEqual([]);
    expect(raises([part("a", 8, 9), part("b", 1, 40)], 8)).toEqual([]);
  });

  it("keeps the bound: the pods the parts can run never add up past maxParallel", () => {
    for (let unsettledA = 0; unsettledA <= 10; unsettledA++) {
      const room = roomForNext([part("a", 8, unsettledA)], 8);
      if (room === 0) continue;
      // a can run at most its unsettled tasks, b at most its parallelism
      expect(Math.min(8, unsettledA) + room).toBeLessThanOrEqual(8);
      for (let later = unsettledA; later >= 0; later--) {
        const [raised] = raises([part("a", 8, later), part("b", room, 50)], 8);
        expect(later + (raised?.parallelism ?? room)).toBeLessThanOrEqual(8);
      }
    }
  });
});
