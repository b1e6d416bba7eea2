/**
 * Resources the Horizon test expects to see, created through the proxy Horizon talks to (the lab's proxy): one
 * per provider, placed with the `@provider` suffix of docs/contract.md ("Naming a provider"), then checked to be at that
 * provider (`X-OCX-Provider` of a read). Names are fixed (`hz-home-<kind>`, `hz-bu-<kind>`), so a rerun reuses what an
 * interrupted run left behind; `cleanup()` deletes everything this module created or reused.
 */
import { passwordAuth } from '../../support/keystone-auth';

export const PROVIDERS = ['home', 'bu-keystone'] as const;
export type LabProvider = (typeof PROVIDERS)[number];
/** Short names keep Horizon's columns readable: hz-home-volume, hz-bu-volume... */
const SHORT: Record<LabProvider, string> = { home: 'home', 'bu-keystone': 'bu' };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface ProxyCall {
  status: number;
  provider: string | null;
  text: string;
  json: Record<string, unknown>;
}

export class ProxySeed {
  private token = '';
  projectId = '';
  private readonly created: Array<{ what: string; path: string; gone?: () => Promise<boolean> }> = [];

  constructor(readonly proxy: string) {}

  async login(user = 'demo', password = 'demo-secret', project = 'demo'): Promise<void> {
    const res = await fetch(`${this.proxy}/identity/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(passwordAuth(user, password, project)),
    });
    if (res.status !== 201)
      throw new Error(`login as ${user} through the proxy ${this.proxy}: HTTP ${res.status} ${await res.text()}`);
    this.token = res.headers.get('x-subject-token') ?? '';
    this.projectId = ((await res.json()) as { token: { project: { id: string } } }).token.project.id;
  }

  /** One call through the proxy with the demo token; never throws on an HTTP status. */
  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ProxyCall> {
    const isBytes = body instanceof Uint8Array;
    const res = await fetch(`${this.proxy}${path}`, {
      method,
      headers: {
        'x-auth-token': this.token,
        ...(body === undefined ? {} : { 'content-type': isBytes ? 'application/octet-stream' : 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : isBytes ? Buffer.from(body as Uint8Array) : JSON.stringify(body),
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      /* Swift and Glance answer some calls with plain text */
    }
    return { status: res.status, provider: res.headers.get('x-ocx-provider'), text, json };
  }

  /** Like call, but anything other than the expected statuses throws with the request and the answer. */
  async must(
    method: string,
    path: string,
    ok: number[],
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ProxyCall> {
    const r = await this.call(method, path, body, headers);
    if (!ok.includes(r.status)) {
      throw new Error(
        `${method} ${this.proxy}${path} -> HTTP ${r.status} (wanted ${ok.join('/')}): ${r.text.slice(0, 500)}`,
      );
    }
    return r;
  }

  private expectAt(what: string, r: ProxyCall, provider: string): void {
    if (r.provider !== provider) {
      throw new Error(`${what} should be at ${provider}, the proxy says X-OCX-Provider: ${r.provider ?? '(none)'}`);
    }
  }

  private async waitFor<T>(
    what: string,
    seconds: number,
    probe: () => Promise<{ done: boolean; value: T; state: string }>,
  ): Promise<T> {
    const deadline = Date.now() + seconds * 1000;
    let last = '';
    for (;;) {
      const r = await probe();
      if (r.done) return r.value;
      last = r.state;
      if (Date.now() > deadline) throw new Error(`${what}: still ${last} after ${seconds} s`);
      await sleep(1000);
    }
  }

  // ------------------------------------------------------------------ Swift

  get account(): string {
    return `/object-store/v1/AUTH_${this.projectId}`;
  }

  /** A container with one object at each provider: hz-home-container/hello-from-home.txt, hz-bu-container/hello-from-bu-keystone.txt. */
  async containers(): Promise<string[]> {
    return this.eachProvider('container', async (p) => {
      const c = `hz-${SHORT[p]}-container`;
      await this.must('PUT', `${this.account}/${encodeURIComponent(`${c}@${p}`)}`, [201, 202]);
      this.track(`container ${c}`, `${this.account}/${c}`);
      const obj = `${this.account}/${c}/hello-from-${p}.txt`;
      await this.must('PUT', obj, [201], new TextEncoder().encode(`stored at ${p}\n`));
      this.track(`object ${obj}`, obj);
      this.expectAt(`container ${c}`, await this.must('HEAD', `${this.account}/${c}`, [204, 200]), p);
      return c;
    });
  }

  // ------------------------------------------------------------------ Cinder

  get volumes(): string {
    return `/volume/v3/${this.projectId}/volumes`;
  }

  /** A 1 GiB volume at each provider (hz-home-volume, hz-bu-volume), available. */
  async volumesAtEachProvider(): Promise<string[]> {
    return this.eachProvider('volume', async (p) => {
      const name = `hz-${SHORT[p]}-volume`;
      const found = await this.must('GET', `${this.volumes}/detail?name=${encodeURIComponent(name)}`, [200]);
      let id = ((found.json['volumes'] as Array<{ id: string; name: string }> | undefined) ?? []).find(
        (v) => v.name === name,
      )?.id;
      if (!id) {
        const r = await this.must('POST', this.volumes, [202, 200], { volume: { name: `${name}@${p}`, size: 1 } });
        id = (r.json['volume'] as { id: string }).id;
      }
      this.trackVolume(id, name);
      await this.volumeAvailable(id, name);
      this.expectAt(`volume ${name}`, await this.must('GET', `${this.volumes}/${id}`, [200]), p);
      return name;
    });
  }

  async volumeAvailable(id: string, name: string): Promise<void> {
    await this.waitFor(`volume ${name} (${id})`, 90, async () => {
      const r = await this.must('GET', `${this.volumes}/${id}`, [200]);
      const status = (r.json['volume'] as { status: string }).status;
      if (status === 'error') throw new Error(`volume ${name} (${id}) went to status error`);
      return { done: status === 'available', value: undefined, state: `status ${status}` };
    });
  }

  /** Delete every volume with this name (left by an interrupted run) and wait until they are gone. */
  async deleteVolumesNamed(name: string): Promise<void> {
    const found = await this.must('GET', `${this.volumes}/detail?name=${encodeURIComponent(name)}`, [200]);
    for (const v of (found.json['volumes'] as Array<{ id: string; name: string }> | undefined) ?? []) {
      if (v.name !== name) continue;
      await this.must('DELETE', `${this.volumes}/${v.id}`, [202, 204, 404]);
      await this.waitFor(`deleting volume ${name} (${v.id})`, 60, async () => {
        const r = await this.call('GET', `${this.volumes}/${v.id}`);
        return { done: r.status === 404, value: undefined, state: `HTTP ${r.status}` };
      });
    }
  }

  /** Delete a volume (by id) in cleanup. */
  trackVolume(id: string, name: string): void {
    const path = `${this.volumes}/${id}`;
    this.track(`volume ${name}`, path, async () => (await this.call('GET', path)).status === 404);
  }

  // ------------------------------------------------------------------ Glance

  /** A small raw image at each provider (hz-home-image, hz-bu-image), active. */
  async imagesAtEachProvider(): Promise<Array<{ name: string; id: string; provider: LabProvider }>> {
    return this.eachProvider('image', async (p) => {
      const name = `hz-${SHORT[p]}-image`;
      const found = await this.must('GET', `/image/v2/images?name=${encodeURIComponent(name)}`, [200]);
      let image = ((found.json['images'] as Array<{ id: string; status: string }> | undefined) ?? [])[0];
      if (!image) {
        const r = await this.must('POST', '/image/v2/images', [201], {
          name: `${name}@${p}`,
          disk_format: 'raw',
          container_format: 'bare',
          visibility: 'private',
        });
        image = r.json as unknown as { id: string; status: string };
      }
      const path = `/image/v2/images/${image.id}`;
      this.track(`image ${name}`, path, async () => (await this.call('GET', path)).status === 404);
      if (image.status === 'queued') await this.must('PUT', `${path}/file`, [204], new Uint8Array(1024));
      await this.waitFor(`image ${name}`, 60, async () => {
        const r = await this.must('GET', path, [200]);
        const status = String(r.json['status']);
        if (status === 'killed' || status === 'deleted') throw new Error(`image ${name} (${image!.id}) is ${status}`);
        return { done: status === 'active', value: undefined, state: `status ${status}` };
      });
      this.expectAt(`image ${name}`, await this.must('GET', path, [200]), p);
      return { name, id: image.id, provider: p };
    });
  }

  // ------------------------------------------------------------------ Nova

  /** A server at each provider (hz-home-server, hz-bu-server) booted from that provider's hz image, without network. */
  async serversAtEachProvider(): Promise<string[]> {
    const images = await this.imagesAtEachProvider();
    const mv = { 'openstack-api-version': 'compute 2.37', 'x-openstack-nova-api-version': '2.37' };
    return this.eachProvider('server', async (p) => {
      const name = `hz-${SHORT[p]}-server`;
      const found = await this.must(
        'GET',
        `/compute/v2.1/servers?name=${encodeURIComponent(`^${name}$`)}`,
        [200],
        undefined,
        mv,
      );
      let id = ((found.json['servers'] as Array<{ id: string }> | undefined) ?? [])[0]?.id;
      if (!id) {
        const flavors = await this.must('GET', '/compute/v2.1/flavors/detail', [200], undefined, {
          ...mv,
          'x-ocx-provider': p,
        });
        const flavor = (
          (flavors.json['flavors'] as Array<{ id: string; ram: number; vcpus: number }> | undefined) ?? []
        ).sort((a, b) => a.ram - b.ram || a.vcpus - b.vcpus)[0];
        if (!flavor) throw new Error(`no flavor (GET /compute/v2.1/flavors/detail with X-OCX-Provider: ${p})`);
        const image = images.find((i) => i.provider === p)!;
        const r = await this.must(
          'POST',
          '/compute/v2.1/servers',
          [202],
          { server: { name: `${name}@${p}`, imageRef: image.id, flavorRef: flavor.id, networks: 'none' } },
          mv,
        );
        id = (r.json['server'] as { id: string }).id;
      }
      const path = `/compute/v2.1/servers/${id}`;
      this.track(`server ${name}`, path, async () => (await this.call('GET', path)).status === 404);
      await this.waitFor(`server ${name} (${id})`, 120, async () => {
        const r = await this.must('GET', path, [200], undefined, mv);
        const s = r.json['server'] as { status: string; fault?: { message?: string } };
        if (s.status === 'ERROR')
          throw new Error(`server ${name} (${id}) is ERROR: ${s.fault?.message ?? '(no fault)'}`);
        return { done: s.status === 'ACTIVE', value: undefined, state: `status ${s.status}` };
      });
      this.expectAt(`server ${name}`, await this.must('GET', path, [200], undefined, mv), p);
      return name;
    });
  }

  /** Run one seeding step for every provider in parallel; all failures together, each naming its provider. */
  private async eachProvider<T>(what: string, fn: (p: LabProvider) => Promise<T>): Promise<T[]> {
    const results = await Promise.allSettled(PROVIDERS.map((p) => fn(p)));
    const errors = results.flatMap((r, i) =>
      r.status === 'rejected' ? [`${what} at ${PROVIDERS[i]}: ${(r.reason as Error).message}`] : [],
    );
    if (errors.length) throw new Error(errors.join('\n    '));
    return results.map((r) => (r as PromiseFulfilledResult<T>).value);
  }

  /** Remember something to delete in cleanup (once). */
  private track(what: string, path: string, gone?: () => Promise<boolean>): void {
    if (!this.created.some((c) => c.path === path)) this.created.push({ what, path, gone });
  }

  // ------------------------------------------------------------------ cleanup

  /** Delete what was created (servers before images, objects before containers); returns what failed. */
  async cleanup(): Promise<string[]> {
    const failures: string[] = [];
    const order = (w: string): number => ['server', 'object', 'volume', 'container', 'image'].indexOf(w.split(' ')[0]!);
    const items = [...this.created].sort((a, b) => order(a.what) - order(b.what));
    for (const item of items) {
      const r = await this.call('DELETE', item.path).catch((e: Error) => ({ status: 0, text: e.message }));
      if (![200, 202, 204, 404].includes(r.status))
        failures.push(`DELETE ${item.what}: HTTP ${r.status} ${r.text.slice(0, 200)}`);
      if (item.gone) {
        const deadline = Date.now() + 60_000;
        while (Date.now() < deadline && !(await item.gone().catch(() => true))) await sleep(1000);
      }
    }
    this.created.length = 0;
    return failures;
  }
}
