export * from "./users";
export * from "./profiles";
export * from "./segments";
export * from "./jobs";
