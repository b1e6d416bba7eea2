import type { Config, ServiceType } from '../config/types';

/** One URL `check-config` and `providers` try to reach. */
export interface ProbeTarget {
  provider: string;
  /** identity, object-store (tempauth), or a service endpoint override. */
  what: string;
  url: string;
}

/**
 * What to ask to learn whether a provider's service answers, without credentials: the Keystone version document,
 * tempauth's auth URL (401 without a key still proves it answers), Swift's /info, and for other endpoint templates
 * the part before `{project_id}` (the service's version document). Pure: built from config only.
 */
export function probeTargets(config: Config): ProbeTarget[] {
  const targets: ProbeTarget[] = [];
  for (const p of config.providers) {
    if (p.keystoneUrl) targets.push({ provider: p.name, what: 'identity', url: `${p.keystoneUrl}/v3` });
    if (p.objectStore) targets.push({ provider: p.name, what: 'object-store auth', url: p.objectStore.authUrl });
    for (const [service, template] of Object.entries(p.endpoints) as Array<[ServiceType, string]>) {
      targets.push({ provider: p.name, what: service, url: endpointProbeUrl(service, template) });
    }
  }
  return targets;
}

export function endpointProbeUrl(service: ServiceType, template: string): string {
  if (service === 'object-store') return `${new URL(template.replace(/\{[^}]*\}/g, 'x')).origin}/info`;
  const cut = template.indexOf('{');
  return cut < 0 ? template : template.slice(0, template.lastIndexOf('/', cut) + 1);
}
