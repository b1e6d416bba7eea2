/** One source's current item during a k-way merge. */
export interface MergeHead<T> {
  /** Index of the source in the array given to mergeGroups. */
  readonly source: number;
  /** Index of the item within its source. */
  readonly index: number;
  readonly item: T;
}

/**
 * Merges sources that are each already in order. Every step yields the smallest head together with every other
 * source's head that compares equal to it (in source order), then advances those sources. `compare` is only asked
 * about heads of different sources: a source's own order is kept as given, which matters where a provider breaks
 * ties by something the proxy cannot see (Nova's internal integer id). Iterative and lazy: a caller that stops
 * after `limit` groups never looks further. O(k) per step, fine for the handful of providers a listing spans.
 */
export function* mergeGroups<T>(
  sources: ReadonlyArray<ReadonlyArray<T>>,
  compare: (a: MergeHead<T>, b: MergeHead<T>) => number,
): Generator<Array<MergeHead<T>>, void, undefined> {
  const positions = sources.map(() => 0);
  for (;;) {
    let group: Array<MergeHead<T>> = [];
    sources.forEach((items, source) => {
      const index = positions[source] ?? 0;
      if (index >= items.length) return;
      const head: MergeHead<T> = { source, index, item: items[index] as T };
      const first = group[0];
      const cmp = first === undefined ? -1 : compare(head, first);
      if (cmp < 0) group = [head];
      else if (cmp === 0) group.push(head);
    });
    if (group.length === 0) return;
    for (const head of group) positions[head.source] = head.index + 1;
    yield group;
  }
}

/** True when the head was the last item its source had. */
export function isLastOfSource<T>(head: MergeHead<T>, sources: ReadonlyArray<ReadonlyArray<T>>): boolean {
  return head.index === (sources[head.source]?.length ?? 0) - 1;
}
