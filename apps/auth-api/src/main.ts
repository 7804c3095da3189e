import { Logger } from "@nestjs/common";
import cluster from "node:cluster";
import { runPrimary } from "./platform/cluster/run-primary.js";
import { workerCount } from "./platform/cluster/worker-count.js";
import { loadConfig } from "@sigil/config";
import { createApp } from "./create-app.js";

const config = loadConfig(process.env);
const workers = workerCount(process.env);
if (workers > 1 && cluster.isPrimary) {
  await runPrimary({ config, workers });
} else {
  const app = await createApp({ config });
  await app.listen(config.port, config.host);
  new Logger("Sigil").log(`auth-api listening on http://${config.host}:${config.port} (pid ${process.pid})`);
}
