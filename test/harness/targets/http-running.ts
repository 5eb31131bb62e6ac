import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { openRawStream } from "../raw-stream.js";
import type { Running } from "./target.js";

/** Listens on 127.0.0.1:0 and drives the server over real sockets. */
export async function listen(server: Server, mountPath: string): Promise<Running> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: origin + mountPath,
    fetch: (url, init) => fetch(url, init),
    stream: (url, init) => openRawStream(url, init),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
