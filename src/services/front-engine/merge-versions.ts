/**
 * Version documents of several providers as one: the home provider's document, each version's
 * `version` (max microversion) lowered to the lowest any provider offers and its `min_version` raised to the
 * highest, so a client never picks a microversion one of the providers would refuse. Pure.
 */
type Doc = Record<string, unknown>;
type VersionEntry = Record<string, unknown>;

function entries(doc: unknown): VersionEntry[] {
  if (doc === null || typeof doc !== 'object') return [];
  const d = doc as Doc;
  if (Array.isArray(d['versions'])) return d['versions'].filter((v) => v && typeof v === 'object') as VersionEntry[];
  if (d['version'] && typeof d['version'] === 'object') return [d['version'] as VersionEntry];
  return [];
}

/** "3.70" vs "3.9": numeric per part; '' (no microversions) is neither higher nor lower. */
export function compareMicroversions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function narrowed(entry: VersionEntry, others: readonly VersionEntry[]): VersionEntry {
  let max = typeof entry['version'] === 'string' ? entry['version'] : '';
  let min = typeof entry['min_version'] === 'string' ? entry['min_version'] : '';
  for (const o of others) {
    if (o['id'] !== entry['id']) continue;
    const v = o['version'];
    const m = o['min_version'];
    if (typeof v === 'string' && v && max && compareMicroversions(v, max) < 0) max = v;
    if (typeof m === 'string' && m && min && compareMicroversions(m, min) > 0) min = m;
  }
  return {
    ...entry,
    ...('version' in entry ? { version: max } : {}),
    ...('min_version' in entry ? { min_version: min } : {}),
  };
}

export function mergeVersionDocuments(home: unknown, others: readonly unknown[]): unknown {
  if (home === null || typeof home !== 'object') return home;
  const theirs = others.flatMap(entries);
  const d = home as Doc;
  if (Array.isArray(d['versions'])) {
    return {
      ...d,
      versions: d['versions'].map((v) => (v && typeof v === 'object' ? narrowed(v as VersionEntry, theirs) : v)),
    };
  }
  if (d['version'] && typeof d['version'] === 'object')
    return { ...d, version: narrowed(d['version'] as VersionEntry, theirs) };
  return home;
}
