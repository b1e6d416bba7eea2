import { BadRequest } from '../../errors/errors';
import { isObject, stripRef, type JsonObject, type ResourceRef } from '../front-engine/at-provider-refs';

/**
 * Nova's `server.networks` naming Neutron resources with `ID@provider` (`openstack server create --nic
 * net-id=ID@bu-keystone`, `--port PORT@bu-keystone`): Nova's schema refuses "@", so the suffix is stripped and the
 * references reported. A network or port lives at one provider only: the server must be created there. Pure.
 */
export interface ServerNetworks {
  server: JsonObject;
  refs: ResourceRef[];
  /** The one provider the references name, if any. */
  provider?: string;
}

export function rewriteServerNetworks(server: JsonObject, known: readonly string[]): ServerNetworks {
  const nets = server['networks'];
  if (!Array.isArray(nets)) return { server, refs: [] };
  const refs: ResourceRef[] = [];
  const out = nets.map((n: unknown) =>
    isObject(n) ? stripRef(stripRef(n, 'uuid', 'network', known, refs), 'port', 'port', known, refs) : n,
  );
  const named = [...new Set(refs.map((r) => r.provider))];
  if (named.length > 1) {
    throw new BadRequest(`The server's networks are at several providers (${named.join(', ')}); a server is at one.`);
  }
  return { server: { ...server, networks: out }, refs, provider: named[0] };
}

/** A network or port named at another provider than the one the server is placed at cannot be attached there. */
export function checkServerNetworks(refs: readonly ResourceRef[], provider: string): void {
  const away = refs.find((r) => (r.kind === 'network' || r.kind === 'port') && r.provider !== provider);
  if (away) {
    const what = away.kind === 'network' ? 'Network' : 'Port';
    throw new BadRequest(`${what} ${away.id} is at ${away.provider}, not at ${provider} where the server is created.`);
  }
}
