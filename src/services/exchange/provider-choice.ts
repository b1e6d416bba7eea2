import type { Config } from '../../config/types';
import { BadRequest, Forbidden, ItemNotFound, OcxError, ProviderUnavailable, Unauthorized } from '../../errors/errors';
import type { Caller } from '../../identity/caller';
import type { Cache } from '../../state/cache';
import { SingleFlight } from '../../state/single-flight';
import type { UpstreamClient } from '../../upstream/client';
import { chosenProviders, withChoice } from './choice-tags';

interface Entry {
  chosen?: string[];
  /** When the home Keystone last answered (epoch ms): fresh for cache.provider_choice_ttl after. */
  at: number;
}

/** A choice the home Keystone could not confirm is still used this long (it only ever narrows what a project uses). */
const STALE_MS = 60 * 60_000;

/**
 * Each project's provider choice: the `ocx-providers:` tag on the project at the home Keystone, read with the
 * caller's own token (Keystone lets a member read its project) and reused for cache.provider_choice_ttl; written
 * with the caller's token too, so Keystone's policy (identity:update_project_tags) decides who may.
 */
export class ProviderChoices {
  private readonly flight = new SingleFlight<Entry>();
  private readonly keystoneUrl: string;
  readonly known: string[];

  constructor(
    private readonly config: Config,
    private readonly upstream: UpstreamClient,
    private readonly cache: Cache<Entry>,
    private readonly now: () => number = Date.now,
  ) {
    this.keystoneUrl = config.providers.find((p) => p.name === config.home)?.keystoneUrl as string;
    this.known = config.providers.map((p) => p.name);
  }

  /** The providers the caller's project uses; undefined: every provider (no choice, or an unscoped token). */
  async chosen(caller: Pick<Caller, 'token' | 'info'>): Promise<string[] | undefined> {
    const project = caller.info.projectId;
    if (!project) return undefined;
    const cached = this.cache.get(project);
    if (cached && this.now() - cached.at < this.config.cache.providerChoiceTtlMs) return cached.chosen;
    const entry = await this.flight.run(project, async () => {
      try {
        const tags = await this.readTags(caller.token, project);
        const fresh: Entry = { chosen: chosenProviders(tags, this.known, this.config.home), at: this.now() };
        this.cache.set(project, fresh, STALE_MS);
        return fresh;
      } catch (err) {
        // The home Keystone cannot say now (down, or refuses this reader): keep the last known choice.
        if (cached) return cached;
        if (err instanceof Forbidden || err instanceof ItemNotFound) {
          const none: Entry = { at: this.now() };
          this.cache.set(project, none, this.config.cache.providerChoiceTtlMs);
          return none;
        }
        return { at: 0 };
      }
    });
    return entry.chosen;
  }

  /**
   * Record the caller's project's choice at the home Keystone (undefined: every provider, no tag). Keystone
   * refuses callers without the right role: that 403 is the answer.
   */
  async choose(
    caller: Pick<Caller, 'token' | 'info'>,
    chosen: readonly string[] | undefined,
  ): Promise<string[] | undefined> {
    const project = caller.info.projectId;
    if (!project) throw new BadRequest('A project-scoped token is required to choose providers.');
    const normalised = chosen && this.known.filter((n) => n === this.config.home || chosen.includes(n));
    const tags = withChoice(await this.readTags(caller.token, project), normalised);
    const res = await this.upstream.send({
      provider: this.config.home,
      service: 'identity',
      method: 'PUT',
      url: `${this.keystoneUrl}/v3/projects/${encodeURIComponent(project)}/tags`,
      headers: this.headers(caller.token, true),
      body: JSON.stringify({ tags }),
    });
    res.body.resume();
    checkStatus(res.status, 'identity:update_project_tags', this.config.home);
    const entry: Entry = { chosen: normalised, at: this.now() };
    this.cache.set(project, entry, STALE_MS);
    return normalised;
  }

  private async readTags(token: string, project: string): Promise<unknown> {
    const res = await this.upstream.send({
      provider: this.config.home,
      service: 'identity',
      method: 'GET',
      url: `${this.keystoneUrl}/v3/projects/${encodeURIComponent(project)}`,
      headers: this.headers(token, false),
    });
    if (res.status >= 300) res.body.resume();
    checkStatus(res.status, 'identity:get_project', this.config.home);
    const doc = await res.json<{ project?: { tags?: unknown } }>(256 * 1024);
    return doc.project?.tags;
  }

  private headers(token: string, json: boolean): Record<string, string> {
    return {
      accept: 'application/json',
      'x-auth-token': token,
      ...(json ? { 'content-type': 'application/json' } : {}),
    };
  }
}

/** Keystone's refusals in its own terms; never its body (docs/security.md: upstream bodies are not relayed). */
function checkStatus(status: number, rule: string, home: string): void {
  if (status < 300) return;
  if (status === 401) throw new Unauthorized();
  if (status === 403) throw new Forbidden(`You are not authorized to perform the requested action: ${rule}.`);
  if (status === 404) throw new ItemNotFound('Could not find project.');
  if (status === 400) throw new BadRequest('The home Keystone refused the project tags.');
  throw status >= 500
    ? new ProviderUnavailable(home, `identity answered HTTP ${status}`)
    : new OcxError(502, 'computeFault', `The home Keystone answered HTTP ${status}.`);
}
