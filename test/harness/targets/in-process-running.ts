import { streamOfResponse } from "../raw-stream.js";
import type { Running } from "./target.js";

const ORIGIN = "http://in-process.test";

/** Drives a Fetch handler in process: no socket, the Response is read as the app returns it. */
export function inProcess(
  handle: (request: Request) => Promise<Response>,
  mountPath: string,
): Running {
  return {
    origin: ORIGIN,
    url: ORIGIN + mountPath,
    fetch: (url, init) => handle(new Request(url, init)),
    stream: async (url, init) => streamOfResponse(await handle(new Request(url, init))),
    close: async () => {},
  };
}

/** The stand-in for host auth where there is no middleware: `x-user` names the caller. */
export function principalFromHeader(request: Request) {
  const id = request.headers.get("x-user");
  return id ? { id } : undefined;
}
