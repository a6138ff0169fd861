// Types of vendor/shared.js, the bundle of ../shared/index.ts (npm run mp:vendor).
export * from "../shared/index.ts";
