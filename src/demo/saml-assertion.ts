// The ECP-wrapped SAML2 Response a Keystone IdP returns from `POST /v3/auth/OS-FEDERATION/saml2/ecp`, shaped
// like keystone/federation/idp.py (SAMLGenerator + ECPGenerator): a SOAP 1.1 envelope with an ecp:RelayState
// header and a samlp:Response (Destination = the SP's sp_url) holding one saml:Assertion with the attributes
// openstack_user, openstack_user_domain, openstack_roles, openstack_project, openstack_project_domain.
// The signature is a fake: HMAC-SHA256 over the assertion with an empty SignatureValue, keyed by a secret the
// demo IdP and its SPs share. It still catches tampering and lets the SP fake reject forged assertions.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isoSeconds } from './sim-http';

export interface AssertionClaims {
  id: string;
  issuer: string;
  destination: string;
  notOnOrAfter: number;
  user: string;
  userDomain: string;
  project: string;
  projectDomain: string;
  roles: string[];
}

export type ParsedEnvelope =
  { ok: true; claims: AssertionClaims; assertionXml: string; signature: string } | { ok: false; reason: string };

const NS =
  'xmlns:soap11="http://schemas.xmlsoap.org/soap/envelope/" ' +
  'xmlns:ecp="urn:oasis:names:tc:SAML:2.0:profiles:SSO:ecp" ' +
  'xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ' +
  'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ' +
  'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" ' +
  'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function unesc(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

function attribute(name: string, values: string[]): string {
  const vals = values.map((v) => `<saml:AttributeValue xsi:type="xs:string">${esc(v)}</saml:AttributeValue>`);
  return `<saml:Attribute Name="${name}">${vals.join('')}</saml:Attribute>`;
}

function sign(assertionXml: string, key: string): string {
  const blank = assertionXml.replace(/<ds:SignatureValue>[^<]*<\/ds:SignatureValue>/, '<ds:SignatureValue/>');
  return createHmac('sha256', key).update(blank).digest('base64');
}

function assertionXml(c: AssertionClaims, issuedAt: string): string {
  const until = isoSeconds(c.notOnOrAfter);
  return (
    `<saml:Assertion ID="${esc(c.id)}" IssueInstant="${issuedAt}" Version="2.0">` +
    `<saml:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">${esc(c.issuer)}</saml:Issuer>` +
    '<ds:Signature><ds:SignedInfo>' +
    '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>' +
    '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#hmac-sha256"/>' +
    `<ds:Reference URI="#${esc(c.id)}"/></ds:SignedInfo><ds:SignatureValue/></ds:Signature>` +
    `<saml:Subject><saml:NameID>${esc(c.user)}</saml:NameID>` +
    '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">' +
    `<saml:SubjectConfirmationData NotOnOrAfter="${until}" Recipient="${esc(c.destination)}"/>` +
    '</saml:SubjectConfirmation></saml:Subject>' +
    `<saml:AuthnStatement AuthnInstant="${issuedAt}" SessionIndex="${randomBytes(16).toString('hex')}" ` +
    `SessionNotOnOrAfter="${until}"><saml:AuthnContext>` +
    '<saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</saml:AuthnContextClassRef>' +
    `<saml:AuthenticatingAuthority>${esc(c.issuer)}</saml:AuthenticatingAuthority>` +
    '</saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement>' +
    attribute('openstack_user', [c.user]) +
    attribute('openstack_roles', c.roles) +
    attribute('openstack_project', [c.project]) +
    attribute('openstack_project_domain', [c.projectDomain]) +
    attribute('openstack_user_domain', [c.userDomain]) +
    '</saml:AttributeStatement></saml:Assertion>'
  );
}

export function buildEcpEnvelope(c: AssertionClaims, key: string, now: number): string {
  const issuedAt = isoSeconds(now);
  const unsigned = assertionXml(c, issuedAt);
  const signed = unsigned.replace(
    '<ds:SignatureValue/>',
    `<ds:SignatureValue>${sign(unsigned, key)}</ds:SignatureValue>`,
  );
  return (
    `<?xml version='1.0' encoding='UTF-8'?>\n<soap11:Envelope ${NS}><soap11:Header>` +
    '<ecp:RelayState soap11:actor="http://schemas.xmlsoap.org/soap/actor/next" soap11:mustUnderstand="1">' +
    `ss:mem:${randomBytes(16).toString('hex')}</ecp:RelayState></soap11:Header><soap11:Body>` +
    `<samlp:Response Destination="${esc(c.destination)}" ID="${randomBytes(16).toString('hex')}" ` +
    `IssueInstant="${issuedAt}" Version="2.0">` +
    `<saml:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">${esc(c.issuer)}</saml:Issuer>` +
    '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>' +
    `${signed}</samlp:Response></soap11:Body></soap11:Envelope>`
  );
}

function attrValues(assertion: string, name: string): string[] {
  const m = new RegExp(`<saml:Attribute Name="${name}">(.*?)</saml:Attribute>`).exec(assertion);
  if (!m?.[1]) return [];
  return [...m[1].matchAll(/<saml:AttributeValue[^>]*>([^<]*)<\/saml:AttributeValue>/g)].map((v) => unesc(v[1] ?? ''));
}

/** Parses what buildEcpEnvelope produced (the SP side); structure errors are reported, not thrown. */
export function parseEcpEnvelope(xml: string): ParsedEnvelope {
  if (!/^(<\?xml[^>]*\?>\s*)?<soap11:Envelope[\s>]/.test(xml)) return { ok: false, reason: 'not a SOAP envelope' };
  const destination = /<samlp:Response Destination="([^"]*)"/.exec(xml)?.[1];
  const assertion = /<saml:Assertion ID="[^"]*"[\s\S]*?<\/saml:Assertion>/.exec(xml)?.[0];
  if (destination === undefined || !assertion) return { ok: false, reason: 'no SAML Response/Assertion' };
  if (/Recipient="([^"]*)"/.exec(assertion)?.[1] !== destination) {
    return { ok: false, reason: 'Response Destination differs from the assertion Recipient' };
  }
  const id = /^<saml:Assertion ID="([^"]*)"/.exec(assertion)?.[1] ?? '';
  const issuer = /<saml:Issuer[^>]*>([^<]*)<\/saml:Issuer>/.exec(assertion)?.[1] ?? '';
  const until = /NotOnOrAfter="([^"]*)"/.exec(assertion)?.[1] ?? '';
  const signature = /<ds:SignatureValue>([^<]*)<\/ds:SignatureValue>/.exec(assertion)?.[1] ?? '';
  const one = (name: string): string => attrValues(assertion, name)[0] ?? '';
  const claims: AssertionClaims = {
    id: unesc(id),
    issuer: unesc(issuer),
    destination: unesc(destination),
    notOnOrAfter: Date.parse(until),
    user: one('openstack_user'),
    userDomain: one('openstack_user_domain'),
    project: one('openstack_project'),
    projectDomain: one('openstack_project_domain'),
    roles: attrValues(assertion, 'openstack_roles'),
  };
  if (!claims.id || !claims.user || Number.isNaN(claims.notOnOrAfter)) {
    return { ok: false, reason: 'incomplete assertion' };
  }
  return { ok: true, claims, assertionXml: assertion, signature };
}

export function verifySignature(assertion: string, signature: string, key: string): boolean {
  const expected = Buffer.from(sign(assertion, key));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
