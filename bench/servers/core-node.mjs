// The core on bare node:http through the bridge.
import { createServer } from "node:http";
import { silentLogger } from "@a2a-mount/core";
import { toNodeHandler } from "@a2a-mount/core/node";
import { createDemoAgent } from "@a2a-mount/demo-agent";
import { listen } from "../lib/listen.mjs";

const a2a = createDemoAgent({ basePath: "/a2a", logger: silentLogger });
listen(createServer(toNodeHandler(a2a)));
