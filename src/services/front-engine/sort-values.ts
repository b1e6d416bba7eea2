/**
 * How merged listings compare one sort key's values, as the services' databases order them: NULLs first
 * ascending, numbers and booleans by value, everything else as text. `emptyIsNull`: an empty string sorts as NULL
 * (Nova, Cinder and Glance show unset fields as ""; Neutron keeps "" a value). Objects compare by their JSON. Pure.
 */
export function compareSortValues(a: unknown, b: unknown, emptyIsNull: boolean): number {
  if (a === b) return 0;
  const none = (v: unknown): boolean => v === undefined || v === null || (emptyIsNull && v === '');
  if (none(a)) return none(b) ? 0 : -1;
  if (none(b)) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = typeof a === 'string' ? a : JSON.stringify(a);
  const sb = typeof b === 'string' ? b : JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
