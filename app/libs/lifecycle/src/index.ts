export { runMain, type MainOptions, type Stoppable } from "./run-main";
