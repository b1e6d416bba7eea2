// @ts-check
'use strict';

/**
 * Logs the demo user in at a proxy's Keystone (`base` is the proxy's root URL): the token and the home project id.
 * @param {string} base
 * @returns {Promise<{ token: string, projectId: string }>}
 */
async function demoLogin(base) {
  const res = await fetch(`${base}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'demo', domain: { name: 'Default' }, password: 'demo-secret' } },
        },
        scope: { project: { name: 'demo', domain: { name: 'Default' } } },
      },
    }),
  });
  if (res.status !== 201) throw new Error(`login at ${base}: HTTP ${res.status}`);
  const body = /** @type {{ token: { project: { id: string } } }} */ (await res.json());
  return { token: /** @type {string} */ (res.headers.get('x-subject-token')), projectId: body.token.project.id };
}

module.exports = { demoLogin };
