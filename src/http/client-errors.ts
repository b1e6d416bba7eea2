import type { Server as HttpServer, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { Server as TlsServer } from 'node:tls';
import type { Socket } from 'node:net';
import { enableParserRetry, retryAfterParseError } from './parser-retry';

/**
 * What the server does with bytes it cannot parse as a request. Node's default answers 400 at once and drops
 * the connection, even when a request read before them is still being answered: a client that sent a body
 * without framing it (a PUT with neither Content-Length nor chunked) then got that 400 instead of the answer to
 * its request (Swift's 411). Here the request in flight is answered first, then the connection closes; without
 * one, the same 400 as Node's.
 *
 * Two of those parse errors get a second chance first (src/http/parser-retry.ts): raw bytes >= 0x80 in the request
 * target (retried percent-encoded, as Swift takes raw UTF-8 names) and a method llhttp does not know (retried so
 * the app answers it, Swift's 405), when the failing request can be located for certain; llhttp still parses
 * everything else strictly.
 */
export function answerInFlightBeforeClientErrors(server: HttpServer | HttpsServer): void {
  const inFlight = new WeakMap<Socket, ServerResponse>();
  const retries = !(server instanceof TlsServer) && enableParserRetry(server as HttpServer);
  server.on('request', (req, res: ServerResponse) => {
    inFlight.set(req.socket, res);
    res.on('close', () => {
      if (inFlight.get(req.socket) === res) inFlight.delete(req.socket);
    });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (retries && retryAfterParseError(server as HttpServer, err, socket)) return;
    const res = inFlight.get(socket);
    if (res && !res.writableEnded) {
      res.shouldKeepAlive = false;
      res.on('finish', () => socket.destroySoon());
      return;
    }
    if (socket.writable && socket.bytesWritten === 0 && err.code !== 'ECONNRESET') {
      socket.end(`HTTP/1.1 ${NODE_ANSWERS[err.code ?? ''] ?? '400 Bad Request'}\r\nConnection: close\r\n\r\n`);
    } else socket.destroy();
  });
}

/** Node's own answers (lib/_http_server.js socketOnError) for the errors that are not a plain 400. */
const NODE_ANSWERS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: '413 Payload Too Large',
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
};
