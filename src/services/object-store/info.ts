import type { Config, ProviderConfig } from '../../config/types';
import { ProviderUnavailable } from '../../errors/errors';
import { fanOut } from '../../fanout/fan-out';
import { SingleFlight } from '../../state/single-flight';
import type { UpstreamClient } from '../../upstream/client';
import { mergeInfo, type InfoDoc } from './info-merge';

/** Capabilities change with a provider's deployment, not per request: a short cache is plenty. */
const TTL_MS = 60_000;
const PARTIAL_TTL_MS = 5_000;

export interface MergedInfo {
  doc: InfoDoc;
  /** Providers left out (unreachable, or their Swift's address not known yet). */
  missing: string[];
}

/**
 * Swift's `/info` of every provider, merged (info-merge.ts). A provider's info URL comes from config (the
 * object-store endpoint override, or the tempauth URL) or from the storage URL its catalog gave a session;
 * Swift serves it at the storage URL's root (`<prefix before /v1>/info`, else `<origin>/info`). /info needs no
 * token, so neither do these calls.
 */
export class SwiftInfo {
  private readonly learned = new Map<string, string>();
  private readonly flight = new SingleFlight<MergedInfo>();
  private cachedValue?: { value: MergedInfo; until: number };

  constructor(
    private readonly config: Config,
    private readonly upstream: UpstreamClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** Remember a provider's storage URL seen in a session (provider catalogs are a trusted source of URLs). */
  learn(provider: string, storageUrl: string): void {
    this.learned.set(provider, storageUrl);
  }

  /** A storage URL of the provider's Swift that a session's catalog gave (any account), if one was seen. */
  storageUrl(provider: string): string | undefined {
    return this.learned.get(provider);
  }

  known(provider: string): boolean {
    return (
      infoUrls(
        this.config.providers.find((p) => p.name === provider),
        this.learned.get(provider),
      ).length > 0
    );
  }

  /** The merged capabilities if a recent answer is at hand (no I/O). */
  cached(): InfoDoc | undefined {
    return this.cachedValue?.value.doc;
  }

  async get(signal?: AbortSignal): Promise<MergedInfo> {
    if (this.cachedValue && this.cachedValue.until > this.now()) return this.cachedValue.value;
    return this.flight.run('info', async () => {
      const value = await this.fetchAll(signal);
      this.cachedValue = { value, until: this.now() + (value.missing.length ? PARTIAL_TTL_MS : TTL_MS) };
      return value;
    });
  }

  private async fetchAll(signal?: AbortSignal): Promise<MergedInfo> {
    const providers = this.config.providers;
    const result = await fanOut(
      providers.map((p) => p.name),
      async (name, s) => {
        const urls = infoUrls(
          providers.find((p) => p.name === name),
          this.learned.get(name),
        );
        for (const url of urls) {
          const res = await this.upstream.send({
            provider: name,
            service: 'object-store',
            method: 'GET',
            url,
            headers: { accept: 'application/json' },
            signal: s,
          });
          if (res.status === 200) return res.json<InfoDoc>(1024 * 1024);
          res.body.resume();
        }
        throw new ProviderUnavailable(name, urls.length ? 'has no /info' : 'has no known object-store address yet');
      },
      { signal, timeoutMs: Math.min(this.config.timeouts.responseMs, 10_000) },
    );
    const docs = result.ok.map((r) => r.value).filter((d) => d !== null && typeof d === 'object');
    if (docs.length === 0)
      throw new ProviderUnavailable(result.failed.map((f) => f.provider).join(', '), 'did not answer /info');
    return { doc: mergeInfo(docs), missing: result.failed.map((f) => f.provider) };
  }
}

/** Candidate /info URLs for a provider, most specific first. Pure. */
export function infoUrls(provider: ProviderConfig | undefined, learned?: string): string[] {
  if (!provider) return [];
  const storage = provider.endpoints['object-store'] ?? learned;
  if (storage) return fromStorageUrl(storage.replace(/\{project_id\}/g, 'x'));
  // tempauth answers at <origin>/auth/v1.0; its Swift's /info is at the origin.
  const auth = provider.objectStore?.authUrl;
  return auth ? fromStorageUrl(new URL(auth).origin) : [];
}

function fromStorageUrl(storage: string): string[] {
  let url: URL;
  try {
    url = new URL(storage);
  } catch {
    return [];
  }
  const v1 = url.pathname.search(/\/v1(\.0)?(\/|$)/);
  const prefix = v1 > 0 ? url.pathname.slice(0, v1) : '';
  const out = [`${url.origin}${prefix}/info`];
  if (prefix) out.push(`${url.origin}/info`);
  return out;
}
