// How a real Nova (Zed, 26.x) reaches Cinder and Glance: over HTTP, with the caller's token, at the endpoints it is
// configured with (`[cinder] endpoint_template`, `[glance] api_servers`). For mix and match those are the proxy's,
// so a volume or image named `ID@provider` is found where it lives. The calls mirror nova/volume/cinder.py (version
// discovery at the unversioned root before a microversioned call, `GET /volumes/{id}`, the 3.44 attachments API)
// and nova/image/glance.py with glanceclient's `data()` (`GET /v2/images/{id}`, then `/file`, checked against
// os_hash_value or checksum). No service token: the demo Keystone has no Nova service user to issue one.
import { createHash } from 'node:crypto';

export interface ServiceEndpoints {
  /** `[cinder] endpoint_template`, e.g. `http://127.0.0.1:8080/volume/v3/%(project_id)s`. */
  cinder: string;
  /** `[glance] api_servers` (one), e.g. `http://127.0.0.1:8080/image`. */
  glance: string;
}

/** The endpoints a home Nova uses when the proxy at `proxyUrl` fronts its Cinder and Glance. */
export function proxyServiceEndpoints(proxyUrl: string): ServiceEndpoints {
  const base = proxyUrl.replace(/\/+$/, '');
  return { cinder: `${base}/volume/v3/%(project_id)s`, glance: `${base}/image` };
}

/** Who Nova acts for: the user's token and project (nova.context.RequestContext). */
export interface NovaContext {
  token: string;
  projectId: string;
  /** Sent as X-OpenStack-Request-ID (Nova's global_request_id). */
  requestId: string;
}

/** A Cinder or Glance answer Nova does not accept; `status` 0 when the service could not be reached. */
export class RemoteServiceError extends Error {
  constructor(
    readonly service: 'cinder' | 'glance',
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'RemoteServiceError';
  }
}

export interface RemoteImage {
  id: string;
  status: string;
  checksum?: string | null;
  os_hash_algo?: string | null;
  os_hash_value?: string | null;
  min_disk?: number;
}

export interface RemoteVolume {
  id: string;
  status: string;
  multiattach?: boolean;
  availability_zone?: string;
}

export interface RemoteAttachment {
  id: string;
  status: string;
  connection_info?: Record<string, unknown>;
}

/** oslo's `%(key)s` substitution with the request context (nova: `endpoint_template % context.to_dict()`). */
export function cinderUrl(template: string, projectId: string): string {
  const values: Record<string, string> = { project_id: projectId, tenant: projectId, project: projectId };
  return template.replace(/%\((\w+)\)s/g, (m, key: string) => values[key] ?? m).replace(/\/+$/, '');
}

/** nova.volume.cinder._get_server_version: the version document lives at the URL cut before `v3`. */
export function cinderVersionUrl(url: string): string {
  const u = new URL(url);
  for (const ver of ['v2', 'v3']) {
    if (u.pathname.endsWith(ver) || u.pathname.includes(`/${ver}/`)) {
      return `${u.protocol}//${u.host}${u.pathname.slice(0, u.pathname.lastIndexOf(ver))}`;
    }
  }
  return url;
}

const TIMEOUT_MS = 15_000;

interface Call {
  microversion?: string;
  body?: unknown;
}

export class RemoteServices {
  constructor(readonly endpoints: ServiceEndpoints) {}

  private async send(service: 'cinder' | 'glance', method: string, url: string, ctx: NovaContext, call: Call = {}) {
    const headers: Record<string, string> = {
      'x-auth-token': ctx.token,
      'x-openstack-request-id': ctx.requestId,
      accept: 'application/json',
      'user-agent': 'nova-compute keystoneauth1 (ocx-proxy demo)',
    };
    if (call.microversion) headers['openstack-api-version'] = `volume ${call.microversion}`;
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await fetch(url, {
        method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      throw new RemoteServiceError(service, 0, `${service} at ${url} unreachable: ${(err as Error).message}`);
    }
  }

  private async json<T>(service: 'cinder' | 'glance', method: string, url: string, ctx: NovaContext, call?: Call) {
    const res = await this.send(service, method, url, ctx, call);
    const text = await res.text();
    if (res.status >= 400) throw new RemoteServiceError(service, res.status, faultMessage(text, res.status));
    return (text ? JSON.parse(text) : {}) as T;
  }

  private cinder(ctx: NovaContext, path: string): string {
    return `${cinderUrl(this.endpoints.cinder, ctx.projectId)}${path}`;
  }

  /** The highest 3.x microversion the Cinder endpoint offers (nova `_get_highest_client_server_version`). */
  async cinderMaxVersion(ctx: NovaContext): Promise<number> {
    const url = cinderVersionUrl(cinderUrl(this.endpoints.cinder, ctx.projectId));
    const res = await this.send('cinder', 'GET', url, ctx);
    const doc = (await res.json().catch(() => ({}))) as { versions?: { version?: string }[] };
    const v3 = (doc.versions ?? []).find((v) => (v.version ?? '').startsWith('3.'));
    return v3?.version ? Number(v3.version.split('.')[1]) : 0;
  }

  /** `_check_microversion`: CinderAPIVersionNotAvailable when the endpoint is older. */
  private async requireMicroversion(ctx: NovaContext, minor: number): Promise<string> {
    const max = await this.cinderMaxVersion(ctx);
    if (max < minor) throw new RemoteServiceError('cinder', 400, `Cinder API version 3.${minor} is not available.`);
    return `3.${minor}`;
  }

  /** `volume_api.get`; with `atLeast48` as the compute side does (3.48, falling back to 3.0). */
  async getVolume(ctx: NovaContext, id: string, atLeast48 = false): Promise<RemoteVolume> {
    let microversion = '3.0';
    if (atLeast48) microversion = (await this.cinderMaxVersion(ctx)) >= 48 ? '3.48' : '3.0';
    const url = this.cinder(ctx, `/volumes/${encodeURIComponent(id)}`);
    return (await this.json<{ volume: RemoteVolume }>('cinder', 'GET', url, ctx, { microversion })).volume;
  }

  /** `attachment_create` without a connector: reserves the volume for the instance (Nova API). */
  async attachmentCreate(ctx: NovaContext, volumeId: string, instanceId: string): Promise<RemoteAttachment> {
    const microversion = await this.requireMicroversion(ctx, 44);
    const body = { attachment: { volume_uuid: volumeId, connector: null, instance_uuid: instanceId } };
    const url = this.cinder(ctx, '/attachments');
    return (await this.json<{ attachment: RemoteAttachment }>('cinder', 'POST', url, ctx, { microversion, body }))
      .attachment;
  }

  /** `attachment_update` with the host connector (nova-compute), returns connection_info. */
  async attachmentUpdate(ctx: NovaContext, id: string, connector: Record<string, unknown>): Promise<RemoteAttachment> {
    const url = this.cinder(ctx, `/attachments/${encodeURIComponent(id)}`);
    const body = { attachment: { connector } };
    return (
      await this.json<{ attachment: RemoteAttachment }>('cinder', 'PUT', url, ctx, { microversion: '3.44', body })
    ).attachment;
  }

  /** `attachment_complete`: Cinder marks the volume in-use. */
  async attachmentComplete(ctx: NovaContext, id: string): Promise<void> {
    const url = this.cinder(ctx, `/attachments/${encodeURIComponent(id)}/action`);
    await this.json('cinder', 'POST', url, ctx, { microversion: '3.44', body: { 'os-complete': null } });
  }

  /** `attachment_delete` (rollback of a failed attach); a 404 is ignored as Nova does. */
  async attachmentDelete(ctx: NovaContext, id: string): Promise<void> {
    const url = this.cinder(ctx, `/attachments/${encodeURIComponent(id)}`);
    const res = await this.send('cinder', 'DELETE', url, ctx, { microversion: '3.44' });
    await res.arrayBuffer();
    if (res.status >= 400 && res.status !== 404)
      throw new RemoteServiceError('cinder', res.status, `attachment delete: HTTP ${res.status}`);
  }

  /** `image_api.get` (Nova API validating imageRef). */
  async getImage(ctx: NovaContext, id: string): Promise<RemoteImage> {
    return this.json<RemoteImage>('glance', 'GET', `${this.glance()}/v2/images/${encodeURIComponent(id)}`, ctx);
  }

  /** `image_api.download` through glanceclient `data()`: metadata first, then the bytes, verified. */
  async downloadImage(ctx: NovaContext, id: string): Promise<Buffer> {
    const meta = await this.getImage(ctx, id);
    const res = await this.send('glance', 'GET', `${this.glance()}/v2/images/${encodeURIComponent(id)}/file`, ctx);
    const data = Buffer.from(await res.arrayBuffer());
    if (res.status >= 400)
      throw new RemoteServiceError('glance', res.status, faultMessage(data.toString(), res.status));
    if (res.status === 204) throw new RemoteServiceError('glance', 204, `Image ${id} has no data.`);
    const [algo, expected] =
      meta.os_hash_algo && meta.os_hash_value
        ? [meta.os_hash_algo, meta.os_hash_value]
        : ['md5', meta.checksum ?? res.headers.get('content-md5')];
    if (expected && createHash(algo).update(data).digest('hex') !== expected) {
      throw new RemoteServiceError('glance', 500, `Image ${id} data does not match its ${algo} checksum.`);
    }
    return data;
  }

  private glance(): string {
    return this.endpoints.glance.replace(/\/+$/, '');
  }
}

/** The message of a Nova/Cinder fault body, or the text of a Glance (webob) error. */
function faultMessage(text: string, status: number): string {
  try {
    const doc = JSON.parse(text) as Record<string, { message?: string }>;
    const first = Object.values(doc)[0];
    if (first?.message) return first.message;
  } catch {
    // Glance answers text/HTML.
  }
  const plain = text
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain || `HTTP ${status}`;
}
