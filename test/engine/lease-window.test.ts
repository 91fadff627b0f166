import { describe, expect, it } from "vitest";
import { LeaseWindow } from "../../src/engine/lease-window.js";

describe("LeaseWindow", () => {
  it("trusts a lease for two thirds of its length from when the confirming statement was sent", () => {
    let now = 1_000;
    const w = new LeaseWindow(3_000, () => now);
    expect(w.holds("r")).toBe(false);
    const sentAt = w.stamp();
    now += 500; // the statement took 500 ms
    w.confirm("r", sentAt);
    now = sentAt + 1_999;
    expect(w.holds("r")).toBe(true);
    now = sentAt + 2_000;
    expect(w.holds("r")).toBe(false);
  });

  it("never moves a confirmation back in time, and forgets released runs", () => {
    let now = 0;
    const w = new LeaseWindow(3_000, () => now);
    w.confirm("r", 1_000);
    w.confirm("r", 200); // a slow renewal answered after a newer one
    now = 2_500;
    expect(w.holds("r")).toBe(true);
    w.forget("r");
    expect(w.holds("r")).toBe(false);
  });
});
