// @ts-check
'use strict';
// nginx (Debian package `nginx`) as the reference reverse proxy: started by the bench on a free port with a
// generated config, one worker (the proxy under test is one Node process), upstream keep-alive like the proxy's
// undici pool, access log on (the proxy logs every request too).
const { chmodSync, mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { start, waitForPort } = require('./procs');

/**
 * `routes`: [{ prefix: '/identity/', upstream: 'http://127.0.0.1:5001/' }]; a trailing path on `upstream`
 * replaces the prefix, exactly as proxy_pass does.
 */
function nginxConfig(dir, port, routes) {
  const upstreams = routes.map((r, i) => {
    const u = new URL(r.upstream);
    return { name: `backend${i}`, hostPort: u.host, path: u.pathname, prefix: r.prefix };
  });
  return `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log ${dir}/nginx-access.log;
  client_body_temp_path ${dir}/nginx-tmp/body;
  proxy_temp_path ${dir}/nginx-tmp/proxy;
  fastcgi_temp_path ${dir}/nginx-tmp/fastcgi;
  uwsgi_temp_path ${dir}/nginx-tmp/uwsgi;
  scgi_temp_path ${dir}/nginx-tmp/scgi;
  client_max_body_size 0;
${upstreams.map((u) => `  upstream ${u.name} { server ${u.hostPort}; keepalive 64; }`).join('\n')}
  server {
    listen 127.0.0.1:${port};
${upstreams
  .map(
    (u) => `    location ${u.prefix} {
      proxy_pass http://${u.name}${u.path};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_buffering off;
      proxy_request_buffering off;
    }`,
  )
  .join('\n')}
  }
}
`;
}

/**
 * @param {string} dir
 * @param {number} port
 * @param {unknown} routes
 * @param {{ cpu?: number | string }} [opts]
 */
async function startNginx(dir, port, routes, { cpu } = {}) {
  mkdirSync(path.join(dir, 'nginx-tmp'), { recursive: true });
  // Workers run as an unprivileged user: they must reach the temp paths (mkdtemp makes the dir 0700).
  chmodSync(dir, 0o755);
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConfig(dir, port, routes));
  const child = start('nginx', 'nginx', ['-p', dir, '-c', conf], { dir, cpu });
  await waitForPort(port, 10_000, child);
  return child;
}

module.exports = { startNginx, nginxConfig };
