import type { Harness } from '../../support/harness';
import { upstreamRequests } from './upstream-record';

/** Something issued or used during a run that must never reach a log line, a metric or an error body. */
export interface Secret {
  kind: 'token' | 'password' | 'app-credential' | 'saml-assertion' | 'saml-signature' | 'session-cookie' | 'static-key';
  value: string;
  /** Where it was found (for the failure message; never the value itself). */
  source: string;
}

const CREDENTIAL_HEADERS = ['x-auth-token', 'x-subject-token', 'x-storage-token', 'x-auth-key', 'authorization'];

function values(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/**
 * Every secret the demo cloud knows of after a run: the tokens each fake Keystone issued (home tokens, K2K
 * federated and project-scoped provider tokens), its users' passwords and application-credential secrets; and
 * from what each provider received: every credential header, every Shibboleth session cookie, and the SAML
 * assertions (their IDs, signatures and the whole assertion element) relayed by the proxy to the SPs.
 */
export function collectSecrets(h: Harness, extra: Secret[] = []): Secret[] {
  const out: Secret[] = [...extra];
  for (const [name, p] of Object.entries(h.demo.providers)) {
    const store = p.keystone.store;
    for (const id of store.tokens.keys())
      out.push({ kind: 'token', value: id, source: `${name} keystone token store` });
    for (const u of store.users.values()) {
      if (u.password) out.push({ kind: 'password', value: u.password, source: `${name} user ${u.name}` });
    }
    for (const ac of store.appCredentials.values()) {
      out.push({ kind: 'app-credential', value: ac.secret, source: `${name} app credential ${ac.name}` });
    }
  }
  for (const r of upstreamRequests(h)) {
    const where = `${r.provider} ${r.service} ${r.method} ${r.path}`;
    for (const header of CREDENTIAL_HEADERS) {
      for (const v of values(r.headers[header]))
        out.push({ kind: 'token', value: v, source: `${header} sent to ${where}` });
    }
    for (const cookie of values(r.headers['cookie']).flatMap((c) => c.split(';'))) {
      const value = cookie.split('=')[1]?.trim();
      if (value) out.push({ kind: 'session-cookie', value, source: `cookie sent to ${where}` });
    }
    if (r.path.endsWith('/Shibboleth.sso/SAML2/ECP') && Buffer.isBuffer(r.body)) {
      const xml = r.body.toString('utf8');
      const assertion = /<saml:Assertion ID="([^"]*)"[\s\S]*?<\/saml:Assertion>/.exec(xml);
      if (assertion) {
        out.push({ kind: 'saml-assertion', value: assertion[0], source: `assertion sent to ${where}` });
        out.push({ kind: 'saml-assertion', value: assertion[1] as string, source: `assertion ID sent to ${where}` });
      }
      const signature = /<ds:SignatureValue>([^<]+)<\/ds:SignatureValue>/.exec(xml)?.[1];
      if (signature) out.push({ kind: 'saml-signature', value: signature, source: `signature sent to ${where}` });
    }
  }
  // De-duplicate; very short values (a 1-char key) cannot be searched for meaningfully.
  const seen = new Set<string>();
  return out.filter((s) => s.value.length >= 6 && !seen.has(s.value) && seen.add(s.value));
}

/**
 * The fragments of a secret whose presence anywhere is a leak: the whole value and, for long values, a prefix, a
 * middle and a suffix (a token cut short in a log line is still a token leaked).
 */
export function fragments(value: string): string[] {
  if (value.length < 40) return [value];
  const n = 20;
  const mid = Math.floor(value.length / 2) - n / 2;
  return [value, value.slice(0, n + 7), value.slice(mid, mid + n), value.slice(-n)];
}

/** Which secrets (kind and source, never the value) appear in `text`. */
export function leaksIn(text: string, secrets: readonly Secret[]): string[] {
  const found: string[] = [];
  for (const s of secrets) {
    if (fragments(s.value).some((f) => text.includes(f))) found.push(`${s.kind} (${s.source})`);
  }
  return found;
}
