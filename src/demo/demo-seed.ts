// Resources every demo provider starts with. created_at values interleave across providers (provider i gets
// slots i, i+n, i+2n... one hour apart) so a merged listing visibly mixes providers.
import type { FakeCompute } from './fake-compute';
import type { FakeImage } from './fake-image';
import type { FakeObjectStore } from './fake-object-store';
import type { FakeVolume } from './fake-volume';

export const SEED_EPOCH = Date.parse('2024-01-01T00:00:00Z');

export interface SeedTarget {
  name: string;
  index: number;
  count: number;
  isHome: boolean;
  projects: Record<string, string>;
  /** The user that owns seeded servers/volumes (home: demo; SPs: the local admin). */
  ownerId: string;
  compute: FakeCompute;
  volume: FakeVolume;
  image: FakeImage;
  objectStore: FakeObjectStore;
}

export function seedServices(t: SeedTarget): void {
  let slot = 0;
  const at = (): number => SEED_EPOCH + (slot++ * t.count + t.index) * 3600_000;
  const demo = t.projects.demo as string;
  const tag = t.isHome ? 'home' : t.name;
  const cirros = t.image.seed(demo, [
    { name: 'cirros-0.6.2-x86_64-disk', createdAt: at(), visibility: 'public', data: Buffer.from(`cirros@${tag}`) },
  ])[0];
  t.image.seed(demo, [{ name: `${tag}-snapshot`, createdAt: at(), data: Buffer.from(`snapshot@${tag}`) }]);
  t.compute.seed(demo, t.ownerId, [
    { name: `${tag}-web-1`, createdAt: at(), imageId: cirros?.id },
    { name: `${tag}-db-1`, createdAt: at(), imageId: cirros?.id, flavorId: '2' },
  ]);
  t.volume.seed(demo, t.ownerId, [
    { name: `${tag}-data`, size: 1, createdAt: at() },
    { name: `${tag}-logs`, size: 2, createdAt: at() },
  ]);
  const extra = t.isHome ? t.projects.other : t.projects.shared;
  if (extra) {
    t.compute.seed(extra, t.ownerId, [{ name: `${tag}-${t.isHome ? 'other' : 'shared'}-vm`, createdAt: at() }]);
    t.volume.seed(extra, t.ownerId, [
      { name: `${tag}-${t.isHome ? 'other' : 'shared'}-vol`, size: 1, createdAt: at() },
    ]);
  }
  // Swift: `photos` exists at every provider (a merged container), plus one container of each provider's own.
  t.objectStore.seed(demo, 'photos', {
    [`${tag}/cat.jpg`]: `cat@${tag}`,
    [`${tag}/dog.jpg`]: `dog@${tag}`,
    'readme.txt': `photos at ${tag}`,
  });
  t.objectStore.seed(demo, t.isHome ? 'backups' : `${tag}-data`, { 'a.txt': 'a', 'b/c.txt': 'bc', 'b/d.txt': 'bd' });
}
