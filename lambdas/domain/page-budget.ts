/** A page of a list that must stay under a size (an HTTP response far below Lambda's 6 MB). */
export interface PageBudget<T> {
  readonly maxBytes: number;
  readonly sizeOf: (item: T) => number;
}

/**
 * How many of `items`, from the first, fit the budget: at least one (a page always moves the list
 * forward), otherwise stopping before the item that would cross `maxBytes`.
 */
export function countWithinBudget<T>(items: readonly T[], budget: PageBudget<T>): number {
  let bytes = 0;
  for (let index = 0; index < items.length; index += 1) {
    bytes += budget.sizeOf(items[index] as T);
    if (bytes > budget.maxBytes && index > 0) return index;
  }
  return items.length;
}
