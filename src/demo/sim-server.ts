// One provider's HTTP server on an ephemeral port, with an outage switch: while down, new connections and
// requests are dropped without an answer and open keep-alive sockets are destroyed, so clients see resets.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import express from 'express';
import type { Express } from 'express';

export class SimServer {
  readonly app: Express = express();
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private down = false;

  constructor() {
    this.app.disable('x-powered-by');
    this.app.set('etag', false);
    this.server = createServer((req, res) => {
      if (this.down) {
        req.socket.destroy();
        return;
      }
      this.app(req, res);
    });
    this.server.on('connection', (socket: Socket) => {
      if (this.down) {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  /** Listens on port 0 of `host`; resolves to `http://host:port`. */
  listen(host: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, host, () => {
        const { port } = this.server.address() as AddressInfo;
        resolve(`http://${host.includes(':') ? `[${host}]` : host}:${port}`);
      });
    });
  }

  isDown(): boolean {
    return this.down;
  }

  setDown(down: boolean): void {
    this.down = down;
    if (down) for (const s of this.sockets) s.destroy();
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      for (const s of this.sockets) s.destroy();
      this.server.close(() => resolve());
    });
  }
}
