// `target.push(...items)` passes every item as a call argument, so a large array (the 262 144 page directives of
// a 1 GiB SEV metadata section) overflows the stack with a RangeError. Lint forbids the spread form in src;
// this is the loop to use instead.

/** Appends `items` to `target` in place (any length), and returns `target`. */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}
