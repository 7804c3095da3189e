import { Logger } from "@nestjs/common";
import { loadConfig } from "./config/app-config.js";
import { createApp } from "./create-app.js";

const config = loadConfig(process.env);
const app = await createApp({ config });
await app.listen(config.port, config.host);
new Logger("Sigil").log(`auth-api listening on http://${config.host}:${config.port}`);
