// Simulated Swift v1 (devstack `/object-store/v1/AUTH_<project id>/...`, `/info`, tempauth `/auth/v1.0`).
// Mount `router` at the object-store root and `infoHandler` also at the server root. Keystone tokens are
// checked against the co-hosted FakeKeystone (keystoneauth: token project -> AUTH_<project id>, another
// account is 403); tempauth tokens map to AUTH_<account>. Checked against the object-store api-ref.
import { randomBytes } from 'node:crypto';
import express from 'express';
import type { Request, RequestHandler, Response, Router } from 'express';
import { containerRoute } from './swift-containers';
import { objectRoute } from './swift-objects';
import { listRows, parseListingQuery, renderListing } from './swift-listing';
import {
  containerStats,
  listingTime,
  md5,
  sendMeta,
  sendSwiftError,
  metaFromHeaders,
  transId,
  xTimestamp,
} from './swift-store';
import type { SwiftAccount, SwiftContainer } from './swift-store';
import { TEMPURL_INFO, tempUrlAccess } from './swift-tempurl';
import { extractArchive } from './swift-bulk';
import { FORMPOST_INFO, formBoundaryOf, formPost } from './swift-formpost';
import { bump, headerValue, rawBodies, recordRequests, RequestLog } from './sim-http';
import type { Stats, TokenLookup } from './sim-http';

export interface FakeObjectStoreOptions {
  /** Service root, e.g. `http://127.0.0.1:5000/object-store`. */
  baseUrl: string;
  auth: TokenLookup;
  /** tempauth users: `account:user` -> key (account AUTH_<account>). Default `{ 'test:tester': 'testing' }`. */
  tempauthUsers?: Record<string, string>;
  clock?: () => number;
}

export interface SwiftPath {
  account: string;
  container?: string;
  object?: string;
}

export const SWIFT_INFO = {
  swift: {
    version: '2.30.0',
    max_file_size: 5368709122,
    max_meta_name_length: 128,
    max_meta_value_length: 256,
    max_meta_count: 90,
    max_meta_overall_size: 4096,
    max_header_size: 8192,
    max_object_name_length: 1024,
    container_listing_limit: 10000,
    account_listing_limit: 10000,
    max_account_name_length: 256,
    max_container_name_length: 256,
    extra_header_count: 0,
    strict_cors_mode: true,
    allow_account_management: true,
    account_autocreate: true,
    valid_api_versions: ['v1', 'v1.0'],
    policies: [{ name: 'Policy-0', aliases: 'Policy-0', default: true }],
  },
  slo: { max_manifest_segments: 1000, max_manifest_size: 8388608, min_segment_size: 1, yield_frequency: 10 },
  dlo: { max_segments: 10000 },
  tempauth: { account_acls: true },
  tempurl: TEMPURL_INFO,
  formpost: FORMPOST_INFO,
  bulk_upload: { max_containers_per_extraction: 10000, max_failed_extractions: 1000 },
};

/**
 * Splits `/AUTH_x/cont/obj/with/slashes` into its parts like Swift: the whole path percent-decoded first (so `%2F`
 * is a "/", as swift/proxy/server.py get_controller reads it), then split; object names keep every slash.
 */
export function parseSwiftPath(rawPath: string): SwiftPath | undefined {
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  const m = /^\/([^/]+)(?:\/([^/]+)(?:\/(.*))?)?\/?$/s.exec(path);
  if (!m?.[1]) return undefined;
  const part = (s: string | undefined): string | undefined => (s === undefined || s === '' ? undefined : s);
  return { account: m[1], container: part(m[2]), object: part(m[3]) };
}

export class FakeObjectStore {
  readonly requests = new RequestLog();
  readonly stats: Stats = { accountListings: 0, containerListings: 0, objectGets: 0, objectPuts: 0 };
  readonly accounts = new Map<string, SwiftAccount>();
  readonly router: Router = express.Router();
  readonly infoHandler: RequestHandler;
  readonly now: () => number;
  private readonly tempTokens = new Map<string, { account: string; expiresAt: number }>();

  constructor(readonly options: FakeObjectStoreOptions) {
    this.now = options.clock ?? Date.now;
    this.infoHandler = (_req, res) => void res.json(SWIFT_INFO);
    const r = this.router;
    r.use(rawBodies(), recordRequests(this.requests), (_req, res, next) => {
      const tx = transId();
      res.setHeader('X-Trans-Id', tx);
      res.setHeader('X-Openstack-Request-Id', tx);
      next();
    });
    r.get('/info', this.infoHandler);
    r.get(['/auth/v1.0', '/auth/v1.0/'], (req, res) => this.tempauth(req, res));
    r.use('/v1', (req, res) => this.dispatch(req, res));
  }

  account(name: string): SwiftAccount {
    let a = this.accounts.get(name);
    if (!a) {
      a = { name, createdAt: this.now(), meta: {}, containers: new Map() };
      this.accounts.set(name, a);
    }
    return a;
  }

  /** Seeds a container in AUTH_<projectId> with text objects. */
  seed(projectId: string, container: string, objects: Record<string, string>): SwiftContainer {
    const acct = this.account(`AUTH_${projectId}`);
    const c: SwiftContainer = acct.containers.get(container) ?? {
      name: container,
      createdAt: this.now(),
      meta: {},
      objects: new Map(),
    };
    acct.containers.set(container, c);
    for (const [name, text] of Object.entries(objects)) {
      const data = Buffer.from(text);
      c.objects.set(name, { data, etag: md5(data), contentType: 'text/plain', modifiedAt: this.now(), meta: {} });
    }
    return c;
  }

  private tempauth(req: Request, res: Response): void {
    const user = headerValue(req, 'x-auth-user') ?? headerValue(req, 'x-storage-user') ?? '';
    const key = headerValue(req, 'x-auth-key') ?? headerValue(req, 'x-storage-pass') ?? '';
    const users = this.options.tempauthUsers ?? { 'test:tester': 'testing' };
    if (!user.includes(':') || users[user] === undefined || users[user] !== key) return sendSwiftError(res, 401);
    const account = `AUTH_${user.split(':')[0] ?? ''}`;
    const token = `AUTH_tk${randomBytes(16).toString('hex')}`;
    this.tempTokens.set(token, { account, expiresAt: this.now() + 86400_000 });
    res.setHeader('X-Auth-Token', token);
    res.setHeader('X-Storage-Token', token);
    res.setHeader('X-Storage-Url', `${this.options.baseUrl}/v1/${account}`);
    res.setHeader('X-Auth-Token-Expires', '86399');
    res.status(200).type('text/html; charset=UTF-8').send('');
  }

  /** The account the request's token may use, or undefined after a 401. */
  private allowedAccount(req: Request, res: Response): string | undefined {
    const token = headerValue(req, 'x-auth-token') ?? headerValue(req, 'x-storage-token');
    const temp = token ? this.tempTokens.get(token) : undefined;
    if (temp && temp.expiresAt > this.now()) return temp.account;
    const info = this.options.auth.lookup(token);
    if (info?.projectId) return `AUTH_${info.projectId}`;
    sendSwiftError(res, 401);
    return undefined;
  }

  /**
   * keystoneauth with `reseller_prefix = AUTH_, SERVICE_`: the project's `SERVICE_` account takes the user's
   * token plus a valid X-Service-Token (the `service` role it would also need is not modelled here).
   */
  private serviceAccess(req: Request, allowed: string, account: string): boolean {
    if (!allowed.startsWith('AUTH_') || account !== `SERVICE_${allowed.slice(5)}`) return false;
    return this.options.auth.lookup(headerValue(req, 'x-service-token'))?.projectId !== undefined;
  }

  private dispatch(req: Request, res: Response): void {
    const path = parseSwiftPath(req.path);
    if (!path) return sendSwiftError(res, 412, 'Invalid path');
    const boundary = formBoundaryOf(req);
    if (boundary !== undefined) {
      const full = decodeURIComponent(req.baseUrl + req.path);
      const prefix = path.object ?? '';
      return formPost(req, res, boundary, full, this.accounts.get(path.account), path.container, prefix, this.now());
    }
    const signed = tempUrlAccess(
      req,
      decodeURIComponent(req.baseUrl + req.path),
      this.accounts.get(path.account),
      path.container,
      path.object,
      this.now(),
    );
    if (signed === 'invalid') {
      res.setHeader('Www-Authenticate', 'Swift realm="unknown"');
      return void res.status(401).type('text/html; charset=UTF-8').send('401 Unauthorized: Temp URL invalid\n');
    }
    const allowed = signed === 'ok' ? path.account : this.allowedAccount(req, res);
    if (!allowed) return;
    if (path.account !== allowed && !this.serviceAccess(req, allowed, path.account)) return sendSwiftError(res, 403);
    res.setHeader('X-Timestamp', xTimestamp(this.now()));
    const acct = this.account(path.account);
    if (req.method === 'PUT' && req.query['extract-archive'] !== undefined) {
      return extractArchive(req, res, acct, path.container, path.object, this.now());
    }
    if (path.object !== undefined && path.container !== undefined)
      return objectRoute(this, req, res, acct, path.container, path.object);
    if (path.container !== undefined) return containerRoute(this, req, res, acct, path.container);
    this.accountRoute(req, res, acct);
  }

  private accountHeaders(res: Response, acct: SwiftAccount): void {
    let objects = 0;
    let bytes = 0;
    for (const c of acct.containers.values()) {
      const s = containerStats(c);
      objects += s.count;
      bytes += s.bytes;
    }
    res.setHeader('X-Account-Container-Count', String(acct.containers.size));
    res.setHeader('X-Account-Object-Count', String(objects));
    res.setHeader('X-Account-Bytes-Used', String(bytes));
    res.setHeader('X-Account-Storage-Policy-Policy-0-Container-Count', String(acct.containers.size));
    res.setHeader('X-Account-Storage-Policy-Policy-0-Object-Count', String(objects));
    res.setHeader('X-Account-Storage-Policy-Policy-0-Bytes-Used', String(bytes));
    sendMeta(res, 'Account', acct.meta);
  }

  private accountRoute(req: Request, res: Response, acct: SwiftAccount): void {
    if (req.method === 'POST') {
      metaFromHeaders(req.headers, 'account', acct.meta);
      return void res.status(204).end();
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendSwiftError(res, 405, 'Method Not Allowed');
    this.accountHeaders(res, acct);
    const parsed = parseListingQuery(req.query as Record<string, unknown>, headerValue(req, 'accept'));
    if (!parsed.ok) return sendSwiftError(res, parsed.status, parsed.body);
    if (req.method === 'HEAD') return void res.status(204).end();
    bump(this.stats, 'accountListings');
    const rows = listRows(acct.containers.entries(), parsed.params);
    const out = renderListing(
      rows,
      parsed.format,
      { element: 'account', name: acct.name, child: 'container' },
      (name, c) => {
        const s = containerStats(c);
        return { name, count: s.count, bytes: s.bytes, last_modified: listingTime(c.createdAt) };
      },
    );
    if (!out) return void res.status(204).end();
    res.status(200).type(out.contentType).send(out.body);
  }
}
