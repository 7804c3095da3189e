export * from "./config/venue-config.js";
export * from "./create-venue-app.js";
