export * from "./entities/nonce.entity.js";
export * from "./entities/session.entity.js";
export * from "./entities/refresh-token.entity.js";
export * from "./entities/grant.entity.js";
export * from "./entities/audit-event.entity.js";
export * from "./entities/chain-cursor.entity.js";
export * from "./entities/entities.js";
export * from "./transformers/bigint.transformer.js";
