import { App } from "cdktf";
import { type EnvironmentConfig } from "./config/environment";
import { environments } from "./config/environments";
import { addEnvironmentStacks } from "./environment-stacks";
import { relativeModuleSources } from "./modules/local-module";

/** The whole app: every environment's stacks, written to `outdir` by `synth()`. */
export function parleyApp(outdir?: string, forEnvironments: EnvironmentConfig[] = environments): App {
  const app = new App(outdir ? { outdir } : {});
  // Set after construction so it also wins over the list the cdktf CLI passes in.
  app.node.setContext("cdktfRelativeModules", relativeModuleSources());
  for (const environment of forEnvironments) addEnvironmentStacks(app, environment);
  return app;
}
