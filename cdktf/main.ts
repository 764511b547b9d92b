import { parleyApp } from "./src/parley-app";

parleyApp().synth();
