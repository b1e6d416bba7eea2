// @ts-check
'use strict';
// The lab deploy/lab/up.sh started (real Keystones with K2K, real Swift clusters): its info and a proxy config
// derived from its ocx.yaml on another port.
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { parse } = require('yaml');

const LAB_DIR = process.env.OCX_LAB_DIR ?? '/var/lib/ocx-lab';

function labInfo() {
  try {
    return JSON.parse(readFileSync(path.join(LAB_DIR, 'lab.json'), 'utf8'));
  } catch (err) {
    throw new Error(
      `the lab is not running (${LAB_DIR}/lab.json: ${err instanceof Error ? err.message : err}); start it with deploy/lab/up.sh`,
    );
  }
}

/** The lab's proxy config with listen/public_url moved to `port` (and optional top-level overrides). */
function labProxyConfig(port, overrides = {}) {
  const raw = parse(readFileSync(path.join(LAB_DIR, 'ocx.yaml'), 'utf8'));
  return { ...raw, listen: { host: '127.0.0.1', port }, public_url: `http://127.0.0.1:${port}`, ...overrides };
}

async function passwordLogin(keystoneV3, user, password, project) {
  const res = await fetch(`${keystoneV3}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: { methods: ['password'], password: { user: { name: user, domain: { name: 'Default' }, password } } },
        scope: { project: { name: project, domain: { name: 'Default' } } },
      },
    }),
  });
  if (res.status !== 201) throw new Error(`login ${user} at ${keystoneV3}: HTTP ${res.status}`);
  const body = await res.json();
  return { token: res.headers.get('x-subject-token'), projectId: body.token.project.id };
}

module.exports = { LAB_DIR, labInfo, labProxyConfig, passwordLogin };
