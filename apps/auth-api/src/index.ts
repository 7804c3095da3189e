export * from "./config/app-config.js";
export * from "./create-app.js";
