export * from "./errors.js";
export * from "./common.js";
export * from "./users.js";
export * from "./auth.js";
export * from "./health.js";
export * from "./extensions.js";
export * from "./directory.js";
export * from "./services.js";
