// "Did you mean": the known name a mistyped one is nearest to, when it is near
// enough to be a typo (a third of its letters or fewer differ) rather than another word.
import { distance } from "fastest-levenshtein";

export function closeName(given: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    const d = distance(given, name);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best !== undefined && bestDistance > 0 && bestDistance <= Math.max(1, Math.floor(given.length / 3)) ? best : undefined;
}
