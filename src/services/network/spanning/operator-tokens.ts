import type { Config, OperatorCredentials, ProviderConfig } from '../../../config/types';
import { BadGateway, OcxError, ProviderUnavailable } from '../../../errors/errors';
import { catalogUrl, parseTokenBody } from '../../../identity/token-info';
import { SingleFlight } from '../../../state/single-flight';
import type { UpstreamClient } from '../../../upstream/client';

/** The proxy's operator token at one provider and where that provider's Neutron API is. */
export interface OperatorSession {
  provider: string;
  token: string;
  /** `…/v2.0` of the provider's Neutron (config `endpoints.network`, else the token's catalog). */
  networkBase: string;
  expiresAt: number;
}

export interface OperatorReply {
  status: number;
  doc: unknown;
}

/** Renew this long before Keystone's expiry, so a call never carries a token about to lapse. */
const MARGIN_MS = 60_000;

/**
 * Tokens for the operator credentials of `network.segments` (docs/networking.md), obtained from each provider's
 * Keystone, cached until shortly before they expire, shared by concurrent callers, renewed once on a 401. Used
 * only for the provider networks of spanning networks: finding the segments in use, creating the twins and
 * removing them again after a failed create. Neither the credentials nor the tokens are ever logged or put into an
 * error message.
 */
export class OperatorTokens {
  private readonly sessions = new Map<string, OperatorSession>();
  private readonly flight = new SingleFlight<OperatorSession>();
  private readonly byName: Map<string, ProviderConfig>;

  constructor(
    private readonly config: Config,
    private readonly upstream: UpstreamClient,
    private readonly now: () => number = Date.now,
  ) {
    this.byName = new Map(config.providers.map((p) => [p.name, p]));
  }

  /** Whether the operator has credentials at `provider`. */
  has(provider: string): boolean {
    return this.config.networkSegments?.operators[provider] !== undefined;
  }

  async session(provider: string): Promise<OperatorSession> {
    const cached = this.sessions.get(provider);
    if (cached && cached.expiresAt - MARGIN_MS > this.now()) return cached;
    return this.flight.run(provider, async () => {
      const fresh = await this.login(provider);
      this.sessions.set(provider, fresh);
      return fresh;
    });
  }

  /** A call to the provider's Neutron (`path` below `/v2.0`) with the operator token; JSON in and out. */
  async call(
    provider: string,
    method: string,
    path: string,
    body?: unknown,
    requestId?: string,
  ): Promise<OperatorReply> {
    let session = await this.session(provider);
    let reply = await this.send(session, method, path, body, requestId);
    if (reply.status === 401) {
      // Revoked or expired early: one fresh login.
      if (this.sessions.get(provider) === session) this.sessions.delete(provider);
      session = await this.session(provider);
      reply = await this.send(session, method, path, body, requestId);
    }
    return reply;
  }

  private async send(
    session: OperatorSession,
    method: string,
    path: string,
    body: unknown,
    requestId: string | undefined,
  ): Promise<OperatorReply> {
    const headers: Record<string, string> = { accept: 'application/json', 'x-auth-token': session.token };
    if (requestId) headers['x-openstack-request-id'] = requestId;
    const text = body === undefined ? undefined : JSON.stringify(body);
    if (text !== undefined) headers['content-type'] = 'application/json';
    const res = await this.upstream.send({
      provider: session.provider,
      service: 'network',
      method,
      url: `${session.networkBase}${path}`,
      headers,
      body: text,
    });
    const raw = await res.text(4 * 1024 * 1024);
    let doc: unknown;
    try {
      doc = raw ? JSON.parse(raw) : undefined;
    } catch {
      doc = undefined;
    }
    return { status: res.status, doc };
  }

  private async login(name: string): Promise<OperatorSession> {
    const creds = this.config.networkSegments?.operators[name];
    const provider = this.byName.get(name);
    if (!creds || !provider?.keystoneUrl) {
      throw new OcxError(409, 'conflict', `Provider ${name} has no operator credentials for spanning networks.`);
    }
    const res = await this.upstream.send({
      provider: name,
      service: 'identity',
      method: 'POST',
      url: `${provider.keystoneUrl}/v3/auth/tokens`,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(authBody(creds)),
    });
    const token = res.headers['x-subject-token'];
    if (res.status !== 201 || typeof token !== 'string' || !token) {
      res.body.resume();
      // The status only: Keystone's message could echo a user name, never the password, but say nothing of either.
      throw new ProviderUnavailable(name, `refused the proxy's operator credentials (HTTP ${res.status})`);
    }
    const info = parseTokenBody(await res.json());
    if (!info) throw new BadGateway(name, 'operator token without a token body');
    const override = provider.endpoints.network;
    const url = override
      ? override.replace(/\{project_id\}/g, info.projectId ?? '').replace(/\/+$/, '')
      : catalogUrl(info.catalog, ['network'], info.region);
    if (!url) throw new ProviderUnavailable(name, 'offers no network service');
    return {
      provider: name,
      token,
      networkBase: url.replace(/\/v2\.0$/, '') + '/v2.0',
      expiresAt: info.expiresAt,
    };
  }
}

function authBody(c: OperatorCredentials): unknown {
  if (c.kind === 'application_credential') {
    return {
      auth: {
        identity: { methods: ['application_credential'], application_credential: { id: c.id, secret: c.secret } },
      },
    };
  }
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { name: c.username, domain: { name: c.userDomain }, password: c.password } },
      },
      scope: { project: { name: c.project, domain: { name: c.projectDomain } } },
    },
  };
}
