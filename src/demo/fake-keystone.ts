// Simulated Keystone v3 (identity api-ref: version discovery, /v3/auth/tokens issue/validate/check/revoke,
// /v3/auth/catalog, /v3/auth/projects, /v3/projects, /v3/users/{id}/projects) plus both sides of K2K
// (fake-federation.ts). Mount `router` at the Keystone base path and `shibbolethRouter` at the server root.
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import { authenticate } from './keystone-auth';
import {
  renderCatalog,
  renderProject,
  renderProjectList,
  renderToken,
  v3Version,
  versionsDocument,
} from './keystone-render';
import type { CatalogService, RenderOptions, ServiceProvider } from './keystone-render';
import { KeystoneStore } from './keystone-store';
import type { Project, TokenRecord } from './keystone-store';
import { installIdpRoutes, installSpRoutes } from './fake-federation';
import type { TrustedIdp } from './fake-federation';
import { headerValue, parseBodies, recordRequests, requestIdHeader, RequestLog, sendKeystoneError } from './sim-http';
import type { Stats } from './sim-http';

export interface FakeKeystoneOptions {
  /** Absolute URL the Keystone API answers at, e.g. `http://127.0.0.1:5000/identity`. */
  baseUrl: string;
  region?: string;
  catalog?: CatalogService[];
  tokenLifetimeSec?: number;
  clock?: () => number;
  /** K2K identity-provider side: signs ECP assertions for these service providers. */
  idp?: { signingKey: string; serviceProviders: ServiceProvider[]; assertionLifetimeSec?: number };
  /** K2K service-provider side (Shibboleth + OS-FEDERATION). */
  sp?: { ecpUrl: string; trustedIdps: TrustedIdp[]; mappedProjects?: string[] };
}

export const KEYSTONE_STATS = [
  'issued',
  'authFailures',
  'validations',
  'revocations',
  'ecpAssertions',
  'spSessions',
  'federatedTokens',
] as const;

export class FakeKeystone {
  readonly store: KeystoneStore;
  readonly requests = new RequestLog();
  readonly stats: Stats = Object.fromEntries(KEYSTONE_STATS.map((k) => [k, 0]));
  readonly router: Router = express.Router();
  readonly shibbolethRouter: Router = express.Router();
  /** IdP entity id written as the assertion Issuer (keystone's [saml] idp_entity_id). */
  readonly idpEntityId: string;

  constructor(readonly options: FakeKeystoneOptions) {
    this.store = new KeystoneStore({ tokenLifetimeSec: options.tokenLifetimeSec, clock: options.clock });
    this.idpEntityId = `${options.baseUrl}/v3/OS-FEDERATION/saml2/idp`;
    this.router.use(requestIdHeader(), ...parseBodies(), recordRequests(this.requests));
    this.installCore();
    if (options.idp) installIdpRoutes(this.router, this, options.idp);
    if (options.sp) {
      this.shibbolethRouter.use('/Shibboleth.sso', ...parseBodies(), recordRequests(this.requests));
      installSpRoutes(this.router, this.shibbolethRouter, this, options.sp);
    }
    this.router.use((_req: Request, res: Response) => {
      sendKeystoneError(res, 404, 'Not Found', 'The resource could not be found.');
    });
    this.router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
      const status = (err as { status?: number }).status ?? 500;
      if (status === 400) sendKeystoneError(res, 400, 'Bad Request', 'Expecting to find valid JSON in request body.');
      // oslo.middleware's sizelimit answers before Keystone parses anything (max_request_body_size, 1 MB here).
      else if (status === 413) sendKeystoneError(res, 413, 'Request Entity Too Large', 'Request is too large.');
      else
        sendKeystoneError(
          res,
          500,
          'Internal Server Error',
          'An unexpected error prevented the server from fulfilling your request.',
        );
    });
  }

  get renderOptions(): RenderOptions {
    return {
      catalog: this.options.catalog ?? [],
      region: this.options.region ?? 'RegionOne',
      serviceProviders: this.options.idp?.serviceProviders ?? [],
    };
  }

  /** Token introspection for co-hosted service fakes (keystonemiddleware stand-in); not counted in stats. */
  lookup(tokenId: string | undefined): TokenRecord | undefined {
    return this.store.lookup(tokenId);
  }

  sendToken(req: Request, res: Response, rec: TokenRecord, status: number): void {
    res.setHeader('X-Subject-Token', rec.id);
    const noCatalog = req.query.nocatalog !== undefined;
    res.status(status).json(renderToken(this.store, rec, this.renderOptions, !noCatalog));
  }

  unauthorized(res: Response): void {
    res.setHeader('WWW-Authenticate', `Keystone uri="${this.options.baseUrl}"`);
    sendKeystoneError(res, 401, 'Unauthorized', 'The request you have made requires authentication.');
  }

  /** The caller's own token (X-Auth-Token) or a 401 already sent. */
  caller(req: Request, res: Response): TokenRecord | undefined {
    const rec = this.store.lookup(headerValue(req, 'x-auth-token'));
    if (!rec) this.unauthorized(res);
    return rec;
  }

  private forbidden(res: Response, action: string): void {
    sendKeystoneError(res, 403, 'Forbidden', `You are not authorized to perform the requested action: ${action}.`);
  }

  private installCore(): void {
    const r = this.router;
    const base = this.options.baseUrl;
    r.get('/', (_req, res) => {
      res.status(300).json(versionsDocument(base));
    });
    r.get(['/v3', '/v3/'], (_req, res) => {
      res.json({ version: v3Version(base) });
    });
    r.post('/v3/auth/tokens', (req, res) => {
      const out = authenticate(this.store, req.body);
      if (!out.ok) {
        this.stats.authFailures = (this.stats.authFailures ?? 0) + 1;
        if (out.status === 400) sendKeystoneError(res, 400, 'Bad Request', out.message);
        else this.unauthorized(res);
        return;
      }
      this.stats.issued = (this.stats.issued ?? 0) + 1;
      this.sendToken(req, res, out.token, 201);
    });
    // GET validates, HEAD checks (Express answers HEAD with the GET route and drops the body).
    r.get('/v3/auth/tokens', (req, res) => {
      if (!this.caller(req, res)) return;
      this.stats.validations = (this.stats.validations ?? 0) + 1;
      const subject = this.store.lookup(headerValue(req, 'x-subject-token'));
      if (!subject) return sendKeystoneError(res, 404, 'Not Found', 'Failed to validate token');
      this.sendToken(req, res, subject, 200);
    });
    r.delete('/v3/auth/tokens', (req, res) => {
      if (!this.caller(req, res)) return;
      const subject = headerValue(req, 'x-subject-token') ?? '';
      if (!this.store.revoke(subject)) return sendKeystoneError(res, 404, 'Not Found', 'Failed to validate token');
      this.stats.revocations = (this.stats.revocations ?? 0) + 1;
      res.status(204).end();
    });
    r.get('/v3/auth/catalog', (req, res) => {
      const rec = this.caller(req, res);
      if (!rec) return;
      if (!rec.projectId) {
        return sendKeystoneError(
          res,
          403,
          'Forbidden',
          'A project-scoped token is required to produce a service catalog.',
        );
      }
      const links = { self: `${base}/v3/auth/catalog` };
      res.json({ catalog: renderCatalog(this.renderOptions, rec.projectId), links });
    });
    const ownProjects = (req: Request, res: Response): void => {
      const rec = this.caller(req, res);
      if (!rec) return;
      const self = `${base}${req.path}`;
      res.json(renderProjectList(this.store.projectsOf(rec.userId), base, self));
    };
    r.get('/v3/auth/projects', ownProjects);
    r.get('/v3/OS-FEDERATION/projects', ownProjects);
    r.get('/v3/projects', (req, res) => {
      const rec = this.caller(req, res);
      if (!rec) return;
      if (!this.store.isAdmin(rec)) return this.forbidden(res, 'identity:list_projects');
      const name = typeof req.query.name === 'string' ? req.query.name : undefined;
      const all = [...this.store.projects.values()].filter((p: Project) => name === undefined || p.name === name);
      res.json(renderProjectList(all, base, `${base}/v3/projects`));
    });
    r.get('/v3/projects/:id', (req, res) => {
      const rec = this.caller(req, res);
      if (!rec) return;
      const project = this.store.projects.get(req.params.id);
      const visible = project && (this.store.isAdmin(rec) || rec.projectId === project.id);
      if (!visible) return this.forbidden(res, 'identity:get_project');
      res.json({ project: renderProject(project, base) });
    });
    // Project tags: Keystone's identity:update_project_tags is admin_required; the schema refuses "," and "/".
    r.get('/v3/projects/:id/tags', (req, res) => {
      const rec = this.caller(req, res);
      if (!rec) return;
      const project = this.store.projects.get(req.params.id);
      if (!project || !(this.store.isAdmin(rec) || rec.projectId === project.id)) {
        return this.forbidden(res, 'identity:get_project_tags');
      }
      res.json({ tags: project.tags ?? [], links: { self: `${base}/v3/projects/${project.id}/tags` } });
    });
    r.put('/v3/projects/:id/tags', (req, res) => {
      const rec = this.caller(req, res);
      if (!rec) return;
      const project = this.store.projects.get(req.params.id);
      if (!this.store.isAdmin(rec)) return this.forbidden(res, 'identity:update_project_tags');
      if (!project) return sendKeystoneError(res, 404, 'Not Found', `Could not find project: ${req.params.id}.`);
      const tags = (req.body as { tags?: unknown } | undefined)?.tags;
      const valid =
        Array.isArray(tags) &&
        tags.length <= 80 &&
        tags.every((t) => typeof t === 'string' && t.length >= 1 && t.length <= 255 && !/[,/]/.test(t));
      if (!valid) return sendKeystoneError(res, 400, 'Bad Request', 'Invalid input for field "tags".');
      project.tags = [...new Set(tags as string[])];
      res.json({ tags: project.tags });
    });
    r.get('/v3/users/:id/projects', (req, res) => {
      const rec = this.caller(req, res);
      if (!rec) return;
      if (rec.userId !== req.params.id && !this.store.isAdmin(rec)) {
        return this.forbidden(res, 'identity:list_user_projects');
      }
      if (!this.store.users.has(req.params.id)) {
        return sendKeystoneError(res, 404, 'Not Found', `Could not find user: ${req.params.id}.`);
      }
      const self = `${base}/v3/users/${req.params.id}/projects`;
      res.json(renderProjectList(this.store.projectsOf(req.params.id), base, self));
    });
  }
}
