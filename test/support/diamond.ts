// The small graph the plan and preview suites share: 1 <- 2 <- 3, 4 alone, 5 <- 4 and 2
// (5 names 4 first, so an order that follows the file shows).
import { inlineSource } from "../../src/core/taskmaster/index.js";

export const diamond = inlineSource([
  { id: 1 },
  { id: 2, dependencies: [1] },
  { id: 3, dependencies: [2] },
  { id: 4 },
  { id: 5, dependencies: [4, 2] },
]);
