/**
 * A server on 127.0.0.1 that accepts connections, reads requests and never
 * answers: the endpoint that made `plan` hang for ever before calls had
 * deadlines. HTTP, or HTTPS with a given certificate (the Azure clients
 * refuse plain http).
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export interface SilentServer {
  url: string;
  /** Requests received (none is ever answered). */
  requests: string[];
  close(): Promise<void>;
}

export async function startSilentServer(tls?: { cert: string; key: string }): Promise<SilentServer> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const listener = (req: http.IncomingMessage) => void requests.push(`${req.method} ${req.url}`);
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key }, listener) : http.createServer(listener);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
