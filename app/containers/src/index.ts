export * from "./base-images";
export * from "./docker";
export * from "./images";
