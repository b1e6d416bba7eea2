// Both halves of Keystone-to-Keystone federation, on the wire as keystoneauth1 identity/v3/k2k.py drives them:
//   IdP:  POST {keystone}/v3/auth/OS-FEDERATION/saml2/ecp  -> 200 text/xml ECP envelope (keystone api-ref
//         "Generate an ECP wrapped assertion"); 403 for an unscoped token, 404 for an unknown service provider.
//   SP:   POST /Shibboleth.sso/SAML2/ECP (application/vnd.paos+xml) -> 302 + `_shibsession_*` cookie, as the
//         Shibboleth SP's ECP assertion consumer does; replayed, forged or misaddressed assertions -> 500 page.
//         GET  {keystone}/v3/OS-FEDERATION/identity_providers/{idp}/protocols/saml2/auth with the cookie -> 201
//         unscoped federated token (methods ["saml2"], user.OS-FEDERATION) for the mapped shadow user.
import { createHash, randomBytes } from 'node:crypto';
import express from 'express';
import type { Request, Response, Router } from 'express';
import type { FakeKeystone } from './fake-keystone';
import type { ServiceProvider } from './keystone-render';
import type { Project, User } from './keystone-store';
import { buildEcpEnvelope, parseEcpEnvelope, verifySignature } from './saml-assertion';
import type { AssertionClaims } from './saml-assertion';
import { bump, headerValue, newHexId, sendKeystoneError } from './sim-http';

export interface TrustedIdp {
  /** The identity provider id registered at this SP (path segment of the federation auth URL). */
  id: string;
  /** Issuer the IdP writes into its assertions. */
  entityId: string;
  signingKey: string;
}
interface IdpOptions {
  signingKey: string;
  serviceProviders: ServiceProvider[];
  assertionLifetimeSec?: number;
}
interface SpOptions {
  ecpUrl: string;
  trustedIdps: TrustedIdp[];
  mappedProjects?: string[];
}
interface ShibSession {
  idpId: string;
  claims: AssertionClaims;
  expiresAt: number;
}

const SESSION_LIFETIME_MS = 8 * 3600 * 1000; // shibboleth2.xml <Sessions lifetime="28800">

export function installIdpRoutes(router: Router, kc: FakeKeystone, idp: IdpOptions): void {
  router.post('/v3/auth/OS-FEDERATION/saml2/ecp', (req: Request, res: Response) => {
    const auth = (req.body as { auth?: Record<string, unknown> } | undefined)?.auth;
    const identity = auth?.identity as { methods?: unknown; token?: { id?: unknown } } | undefined;
    const tokenId = identity?.token?.id;
    const rec = typeof tokenId === 'string' ? kc.store.lookup(tokenId) : undefined;
    if (!rec || !Array.isArray(identity?.methods) || !identity.methods.includes('token')) return kc.unauthorized(res);
    const spId = (auth?.scope as { service_provider?: { id?: unknown } } | undefined)?.service_provider?.id;
    const sp = idp.serviceProviders.find((s) => s.id === spId);
    if (!sp) return sendKeystoneError(res, 404, 'Not Found', `Could not find service provider: ${String(spId)}.`);
    const project = rec.projectId ? kc.store.projects.get(rec.projectId) : undefined;
    const user = kc.store.users.get(rec.userId);
    if (!project || !user) {
      const action = 'Use a project scoped token when attempting to create a SAML assertion';
      return sendKeystoneError(
        res,
        403,
        'Forbidden',
        `You are not authorized to perform the requested action: ${action}.`,
      );
    }
    const domainName = (id: string): string => kc.store.domains.get(id)?.name ?? id;
    const now = kc.store.now();
    const claims: AssertionClaims = {
      id: newHexId(),
      issuer: kc.idpEntityId,
      destination: sp.sp_url,
      notOnOrAfter: now + (idp.assertionLifetimeSec ?? 3600) * 1000,
      user: user.name,
      userDomain: domainName(user.domainId),
      project: project.name,
      projectDomain: domainName(project.domainId),
      roles: rec.roleIds.map((id) => kc.store.roles.get(id)?.name ?? id),
    };
    bump(kc.stats, 'ecpAssertions');
    res
      .status(200)
      .type('text/xml')
      .send(buildEcpEnvelope(claims, idp.signingKey, now));
  });
}

function shibError(res: Response, message: string): void {
  const page = `<html><head><title>Shibboleth Error</title></head><body><h1>opensaml::SecurityPolicyException</h1><p>${message}</p></body></html>`;
  res.status(500).type('text/html').send(page);
}

function cookieName(sp: SpOptions): string {
  return `_shibsession_${createHash('sha256').update(`default${sp.ecpUrl}`).digest('hex').slice(0, 32)}`;
}

/** SP side: `/SAML2/ECP` on `shibboleth` (mounted at /Shibboleth.sso), the federation auth route on `keystone`. */
export function installSpRoutes(keystone: Router, shibboleth: Router, kc: FakeKeystone, sp: SpOptions): void {
  const sessions = new Map<string, ShibSession>();
  const seenAssertions = new Set<string>();
  const router = express.Router();
  shibboleth.use('/Shibboleth.sso', router);
  router.post('/SAML2/ECP', (req: Request, res: Response) => {
    const text = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const parsed = parseEcpEnvelope(text);
    if (!parsed.ok) return shibError(res, `Unable to process ECP response: ${parsed.reason}.`);
    const { claims } = parsed;
    const idp = sp.trustedIdps.find((i) => i.entityId === claims.issuer);
    if (!idp || !verifySignature(parsed.assertionXml, parsed.signature, idp.signingKey)) {
      return shibError(res, 'Message was signed, but signature could not be verified.');
    }
    if (claims.destination !== sp.ecpUrl) return shibError(res, 'Response Destination does not match this endpoint.');
    if (claims.notOnOrAfter <= kc.store.now()) return shibError(res, 'Assertion has expired.');
    if (seenAssertions.has(claims.id)) return shibError(res, `Rejecting replayed assertion ID (${claims.id}).`);
    seenAssertions.add(claims.id);
    const sessionId = `_${randomBytes(16).toString('hex')}`;
    sessions.set(sessionId, { idpId: idp.id, claims, expiresAt: kc.store.now() + SESSION_LIFETIME_MS });
    bump(kc.stats, 'spSessions');
    res.setHeader('Set-Cookie', `${cookieName(sp)}=${sessionId}; path=/; HttpOnly`);
    const target = `${kc.options.baseUrl}/v3/OS-FEDERATION/identity_providers/${idp.id}/protocols/saml2/auth`;
    res.redirect(302, target);
  });
  installFederatedAuth(keystone, kc, sp, (req) => sessionFromCookie(kc, sp, sessions, req));
}

function sessionFromCookie(
  kc: FakeKeystone,
  sp: SpOptions,
  sessions: Map<string, ShibSession>,
  req: Request,
): ShibSession | undefined {
  const wanted = cookieName(sp);
  for (const part of (headerValue(req, 'cookie') ?? '').split(';')) {
    const [name, value] = part.trim().split('=', 2);
    if (name !== wanted || !value) continue;
    const session = sessions.get(value);
    if (session && session.expiresAt > kc.store.now()) return session;
  }
  return undefined;
}

/** The mapping: a shadow user in the "Federated" domain with member on the same-named project plus extras. */
function mapUser(kc: FakeKeystone, sp: SpOptions, session: ShibSession, protocolId: string): User {
  const store = kc.store;
  if (!store.domains.has('federated')) store.addDomain('Federated', 'federated');
  const id = createHash('sha256').update(`${session.idpId}|${session.claims.user}`).digest('hex').slice(0, 32);
  const user: User = store.users.get(id) ?? store.addUser(session.claims.user, undefined, 'federated', id);
  user.federation = { idpId: session.idpId, protocolId, groups: [{ id: 'federated_users', name: 'federated_users' }] };
  const names = [session.claims.project, ...(sp.mappedProjects ?? ['shared'])];
  const projects = [...store.projects.values()].filter((p: Project) => names.includes(p.name));
  for (const p of projects) store.grant(user.id, p.id, ['member', 'reader']);
  return user;
}

function installFederatedAuth(
  router: Router,
  kc: FakeKeystone,
  sp: SpOptions,
  findSession: (req: Request) => ShibSession | undefined,
): void {
  const path = '/v3/OS-FEDERATION/identity_providers/:idp/protocols/:protocol/auth';
  const handler = (req: Request, res: Response): void => {
    const idpId = String(req.params.idp);
    const protocolId = String(req.params.protocol);
    const session = findSession(req);
    // Without a Shibboleth session mod_shib cannot start one for a non-browser client: Apache answers 500.
    if (!session) return shibError(res, 'Unable to locate a session for this request.');
    if (!sp.trustedIdps.some((i) => i.id === idpId)) {
      return sendKeystoneError(res, 404, 'Not Found', `Could not find Identity Provider: ${idpId}.`);
    }
    if (session.idpId !== idpId) return kc.unauthorized(res);
    if (protocolId !== 'saml2') {
      return sendKeystoneError(
        res,
        404,
        'Not Found',
        `Could not find federated protocol ${protocolId} for Identity Provider: ${idpId}.`,
      );
    }
    const user = mapUser(kc, sp, session, protocolId);
    const rec = kc.store.issue(user, ['saml2']);
    if (!rec) return kc.unauthorized(res);
    bump(kc.stats, 'federatedTokens');
    kc.sendToken(req, res, rec, 201);
  };
  router.get(path, handler);
  router.post(path, handler);
}
