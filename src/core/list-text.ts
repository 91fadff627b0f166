// Lists inside messages are cut: an error naming 10,000 ids would be one line of
// tens of kilobytes that no one reads, on a terminal or in a GraphQL answer.

/** "a, b, c" or, past `max` items, the first `max` then "… and 9,990 more". */
export function listSome(items: readonly string[], max = 10): string {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")} … and ${(items.length - max).toLocaleString("en-US")} more`;
}
