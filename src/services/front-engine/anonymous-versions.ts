import type { FrontService } from './front-deps';
import { rangeOf } from './microversion';

/**
 * Version discovery without a token. Real Nova, Cinder and Glance answer their root documents anonymously and
 * clients rely on it (cinderclient's get_server_version strips the endpoint to its root and GETs it with no token
 * before each call; Horizon breaks without it). The proxy cannot reach providers without a caller's token, so it
 * answers from the last document it merged for an authenticated caller, else from these conservative built-ins
 * (Zed's microversion floors, narrowed later by the merged answer once a caller has been seen).
 */
export interface VersionAnswer {
  status: number;
  doc: unknown;
}

const MEDIA = (type: string) => [{ base: 'application/json', type }];

function cinder(publicUrl: string): unknown {
  return {
    id: 'v3.0',
    status: 'CURRENT',
    version: '3.0',
    min_version: '3.0',
    updated: '2023-01-01T00:00:00Z',
    links: [{ rel: 'self', href: `${publicUrl}/volume/v3/` }],
    'media-types': MEDIA('application/vnd.openstack.volume+json;version=3'),
  };
}

function nova(publicUrl: string): unknown {
  return {
    id: 'v2.1',
    status: 'CURRENT',
    version: '2.1',
    min_version: '2.1',
    updated: '2013-07-23T11:33:21Z',
    links: [{ rel: 'self', href: `${publicUrl}/compute/v2.1/` }],
    'media-types': MEDIA('application/vnd.openstack.compute+json;version=2.1'),
  };
}

export function builtinVersions(service: FrontService, publicUrl: string, root: boolean): VersionAnswer {
  switch (service) {
    case 'volume':
      return root
        ? { status: 300, doc: { versions: [cinder(publicUrl)] } }
        : { status: 200, doc: { versions: [cinder(publicUrl)] } };
    case 'compute':
      return root
        ? { status: 200, doc: { versions: [nova(publicUrl)] } }
        : { status: 200, doc: { version: nova(publicUrl) } };
    case 'network':
      return {
        status: 200,
        doc: {
          versions: [{ id: 'v2.0', status: 'CURRENT', links: [{ rel: 'self', href: `${publicUrl}/network/v2.0/` }] }],
        },
      };
    case 'image':
      return {
        status: root ? 300 : 200,
        doc: {
          versions: [{ id: 'v2.0', status: 'SUPPORTED', links: [{ rel: 'self', href: `${publicUrl}/image/v2/` }] }],
        },
      };
  }
}

/** The last answer given to an authenticated, untargeted caller, per front and path. */
export class VersionMemo {
  private readonly last = new Map<string, VersionAnswer>();

  get(path: string): VersionAnswer | undefined {
    return this.last.get(path);
  }

  set(path: string, answer: VersionAnswer): void {
    this.last.set(path, answer);
  }

  /** The microversion range of any remembered (merged) document. */
  range(): { min: string; max: string } | undefined {
    for (const a of this.last.values()) {
      const r = rangeOf(a.doc);
      if (r) return r;
    }
    return undefined;
  }
}
