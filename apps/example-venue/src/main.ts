import { Logger } from "@nestjs/common";
import { loadVenueConfig } from "./config/venue-config.js";
import { createVenueApp } from "./create-venue-app.js";

const config = loadVenueConfig(process.env);
const app = await createVenueApp(config);
await app.listen(config.port, config.host);
new Logger("ExampleVenue").log(`example venue listening on http://${config.host}:${config.port}`);
