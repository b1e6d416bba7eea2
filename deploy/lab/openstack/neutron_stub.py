#!/usr/bin/python3
"""A read-only Neutron API with nothing in it, for the lab's Nova (deploy/lab/openstack.sh).

Nova (Zed) asks Neutron about ports and security groups even for servers created with `--nic none`
(`GET /servers/detail` fails with EndpointNotFound without one). This answers every collection with an empty
list, every single resource with 404, and refuses writes. No authentication: loopback only.

    neutron_stub.py PORT
"""
import json
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VERSIONS = {'versions': [{'id': 'v2.0', 'status': 'CURRENT', 'links': []}]}


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'ocx-lab-neutron-stub'

    def log_message(self, fmt, *args):  # one line per request on stderr (the service log)
        sys.stderr.write('%s %s\n' % (self.log_date_time_string(), fmt % args))

    def send(self, code, body):
        raw = json.dumps(body).encode()
        self.send_response(code)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(raw)))
        self.send_header('X-Openstack-Request-Id', 'req-ocx-lab-neutron-stub')
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(raw)

    def do_GET(self):
        path = self.path.split('?', 1)[0].rstrip('/')
        path = re.sub(r'\.json$', '', path)
        parts = [p for p in path.split('/') if p]
        if not parts:
            return self.send(200, VERSIONS)
        if parts[0] != 'v2.0':
            return self.send(404, {'NeutronError': {'type': 'HTTPNotFound', 'message': 'not found', 'detail': ''}})
        if len(parts) == 1:
            return self.send(200, {'resources': []})
        if parts[-1] == 'extensions' and len(parts) == 2:
            return self.send(200, {'extensions': []})
        if len(parts) == 2 or (len(parts) == 3 and parts[1] in ('qos', 'fw', 'lbaas')):
            return self.send(200, {parts[-1].replace('-', '_'): []})
        return self.send(404, {'NeutronError': {'type': 'NotFound', 'message': 'The lab has no Neutron resources.',
                                                'detail': ''}})

    do_HEAD = do_GET

    def refuse(self):
        length = int(self.headers.get('Content-Length') or 0)
        if length:
            self.rfile.read(length)
        self.send(403, {'NeutronError': {'type': 'PolicyNotAuthorized',
                                         'message': 'The lab Neutron stub is read-only.', 'detail': ''}})

    do_POST = do_PUT = do_PATCH = do_DELETE = refuse


def main():
    port = int(sys.argv[1])
    ThreadingHTTPServer.daemon_threads = True
    server = ThreadingHTTPServer(('127.0.0.1', port), Handler)
    sys.stderr.write('neutron stub listening on 127.0.0.1:%d\n' % port)
    sys.stderr.flush()
    server.serve_forever()


if __name__ == '__main__':
    main()
