import type { Config } from '../../config/types';
import type { UpstreamClient } from '../../upstream/client';
import { serviceEndpoint } from './service-endpoint';
import { VersionBook } from './version-book';
import type { VersionedService } from './version-forms';

const SERVICES: readonly VersionedService[] = ['compute', 'volume', 'image'];

/**
 * The roots config names for one service: `versions.roots`, else a `providers.*.endpoints` override reduced to
 * its service root (the part before the version, as service-endpoint.ts derives it). Pure.
 */
export function configuredRoots(config: Config, service: VersionedService): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of config.providers) {
    const explicit = config.versions?.roots[p.name]?.[service];
    const override = p.endpoints[service];
    if (explicit) out.set(p.name, explicit.replace(/\/+$/, ''));
    else if (override) {
      const url = override.replace(/\{project_id\}/g, '');
      out.set(p.name, serviceEndpoint({ service, provider: p.name, url, publicUrl: config.publicUrl }).root);
    }
  }
  return out;
}

/** One book per service, started: every configured root is read now and every `versions.refresh`. */
export function startVersionBooks(
  config: Config,
  upstream: Pick<UpstreamClient, 'send'>,
): Record<VersionedService, VersionBook> {
  const providers = config.providers.filter((p) => p.keystoneUrl).map((p) => p.name);
  const home = config.home;
  // Home first: its document is the base others narrow (merge-versions.ts did the same).
  const ordered = [home, ...providers.filter((p) => p !== home)].filter((p) => providers.includes(p));
  const books = {} as Record<VersionedService, VersionBook>;
  for (const service of SERVICES) {
    books[service] = new VersionBook({
      service,
      providers: ordered,
      publicUrl: config.publicUrl,
      refreshMs: config.versions?.refreshMs ?? 5 * 60_000,
      roots: configuredRoots(config, service),
      upstream,
    });
    books[service].start();
  }
  return books;
}
