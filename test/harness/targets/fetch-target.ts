import { inProcess, principalFromHeader } from "./in-process-running.js";
import { DEFAULT_SETUP, type Target } from "./target.js";

/** The core's own Fetch handler, called in process. */
export const fetchTarget: Target = {
  name: "fetch handler",
  http: false,
  supports: {
    subRouter: true,
    bodyParser: false,
    compression: false,
    cors: false,
    auth: true,
    hostCookie: false,
  },
  async start(agent, partial = {}) {
    const setup = { ...DEFAULT_SETUP, ...partial };
    return inProcess(
      (request) =>
        agent.fetch(request, {
          basePath: setup.mountPath,
          principal: setup.auth ? principalFromHeader(request) : undefined,
        }),
      setup.mountPath,
    );
  },
};
