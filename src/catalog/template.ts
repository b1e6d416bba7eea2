import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** Keystone v3 catalog shapes (api-ref identity v3 "catalog"). */
export interface CatalogEndpoint {
  id: string;
  interface: string;
  region: string;
  region_id: string;
  url: string;
}
export interface CatalogEntry {
  id: string;
  type: string;
  name: string;
  endpoints: CatalogEndpoint[];
}

const templateSchema = z
  .object({
    interfaces: z
      .array(z.enum(['public', 'internal', 'admin']))
      .min(1)
      .default(['public', 'internal', 'admin']),
    services: z
      .array(z.object({ type: z.string().min(1), name: z.string().min(1), url: z.string().min(1) }).strict())
      .min(1),
  })
  .strict();

export type CatalogTemplate = z.output<typeof templateSchema>;

export interface CatalogVars {
  publicUrl: string;
  projectId?: string;
  region: string;
}

export function parseCatalogTemplate(text: string, source: string): CatalogTemplate {
  const result = templateSchema.safeParse(parseYaml(text));
  if (!result.success) {
    const first = result.error.issues[0];
    throw new Error(`${source}: ${first?.path.join('.') ?? ''}: ${first?.message ?? 'invalid catalog template'}`);
  }
  return result.data;
}

export function loadCatalogTemplate(file: string): CatalogTemplate {
  return parseCatalogTemplate(readFileSync(file, 'utf8'), file);
}

/** Stable ids so a client comparing catalogs across tokens sees the same entries. */
function stableId(...parts: string[]): string {
  return createHash('md5').update(parts.join('\0')).digest('hex');
}

/**
 * Compile a template once at boot; the returned function renders a Keystone catalog per token (pure).
 * Entries that need {project_id} are dropped when the token is unscoped, as Keystone does for project endpoints.
 */
export function compileCatalog(template: CatalogTemplate): (vars: CatalogVars) => CatalogEntry[] {
  return (vars) => {
    const out: CatalogEntry[] = [];
    for (const svc of template.services) {
      if (svc.url.includes('{project_id}') && vars.projectId === undefined) continue;
      const url = svc.url
        .replace(/\{public_url\}/g, vars.publicUrl)
        .replace(/\{project_id\}/g, vars.projectId ?? '')
        .replace(/\{region\}/g, vars.region);
      out.push({
        id: stableId(svc.type, svc.name),
        type: svc.type,
        name: svc.name,
        endpoints: template.interfaces.map((iface) => ({
          id: stableId(svc.type, svc.name, iface),
          interface: iface,
          region: vars.region,
          region_id: vars.region,
          url,
        })),
      });
    }
    return out;
  };
}
