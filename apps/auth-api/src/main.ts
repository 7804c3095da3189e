import { Logger } from "@nestjs/common";
import cluster from "node:cluster";
import { runPrimary } from "./platform/cluster/run-primary.js";
import { workerCount } from "./platform/cluster/worker-count.js";
import { type AppConfig, loadConfig, reportInvalidConfig } from "@sigil/config";
import { createApp } from "./create-app.js";

let config: AppConfig;
try {
  config = loadConfig(process.env);
} catch (error) {
  // An operator's mistake, not a crash: every problem on stderr, no stack trace, EX_CONFIG.
  process.exit(reportInvalidConfig(error, (line) => process.stderr.write(`${line}\n`)));
}
const workers = workerCount(process.env);
if (workers > 1 && cluster.isPrimary) {
  await runPrimary({ config, workers });
} else {
  const app = await createApp({ config });
  await app.listen(config.port, config.host);
  new Logger("Sigil").log(`auth-api listening on http://${config.host}:${config.port} (pid ${process.pid})`);
}
