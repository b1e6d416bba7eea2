import type { RecordedRequest, RequestLog } from '../../../src/demo/sim-http';
import type { Harness } from '../../support/harness';

export interface SeenUpstream extends RecordedRequest {
  provider: string;
  service: 'identity' | 'compute' | 'volume' | 'image' | 'object-store' | 'network';
}

/** Every request the demo cloud's providers received so far, in no particular order across services. */
export function upstreamRequests(h: Harness, since?: UpstreamMark): SeenUpstream[] {
  const out: SeenUpstream[] = [];
  for (const [provider, p] of Object.entries(h.demo.providers)) {
    const add = (service: SeenUpstream['service'], list: RequestLog): void => {
      for (const r of list.slice(since?.get(list) ?? 0)) out.push({ ...r, provider, service });
    };
    add('identity', p.keystone.requests);
    add('compute', p.compute.requests);
    add('volume', p.volume.requests);
    add('image', p.image.requests);
    add('object-store', p.objectStore.requests);
    add('network', p.network.requests);
  }
  return out;
}

/** How many requests each fake had recorded at one moment. */
export type UpstreamMark = Map<RequestLog, number>;

export function markUpstream(h: Harness): UpstreamMark {
  const mark: UpstreamMark = new Map();
  for (const p of Object.values(h.demo.providers)) {
    for (const list of [
      p.keystone.requests,
      p.compute.requests,
      p.volume.requests,
      p.image.requests,
      p.objectStore.requests,
      p.network.requests,
    ]) {
      mark.set(list, list.length);
    }
  }
  return mark;
}

/** The text of a recorded request a marker could hide in: URL, headers and body. */
export function requestText(r: RecordedRequest): string {
  const body = Buffer.isBuffer(r.body) ? r.body.toString('utf8') : r.body === undefined ? '' : JSON.stringify(r.body);
  return `${r.method} ${decodeSafely(r.url)} ${JSON.stringify(r.headers)} ${body}`;
}

function decodeSafely(s: string): string {
  try {
    return `${s} ${decodeURIComponent(s)}`;
  } catch {
    return s;
  }
}

/** Upstream requests carrying `marker` anywhere. */
export function upstreamMentions(h: Harness, marker: string, since?: UpstreamMark): SeenUpstream[] {
  return upstreamRequests(h, since).filter((r) => requestText(r).includes(marker));
}
