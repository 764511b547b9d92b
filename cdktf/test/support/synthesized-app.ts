import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parleyApp } from "../../src/parley-app";
import { type Body } from "./terraform-json";

export interface SynthesizedStack {
  name: string;
  environment: string;
  component: string;
  document: Body;
}

export interface SynthesizedApp {
  outdir: string;
  stacks: SynthesizedStack[];
  manifest: { stacks: Record<string, { dependencies: string[]; synthesizedStackPath: string }> };
}

/** Runs the real app, as `npm run synth` does, into a fresh directory and reads what it wrote. */
export function synthesizeApp(): SynthesizedApp {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-cdktf-"));
  parleyApp(outdir).synth();
  return readSynthesized(outdir);
}

/** The manifest and every stack's `cdk.tf.json` that a synthesis wrote to `outdir`. */
export function readSynthesized(outdir: string): SynthesizedApp {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  const stacks = Object.entries(manifest.stacks as SynthesizedApp["manifest"]["stacks"]).map(
    ([name, entry]) => {
      const [, environment = "", component = ""] = /^parley-([a-z]+)-([a-z]+)$/.exec(name) ?? [];
      const document = JSON.parse(fs.readFileSync(path.join(outdir, entry.synthesizedStackPath), "utf8"));
      return { name, environment, component, document };
    },
  );
  return { outdir, stacks, manifest };
}

export function removeSynthesized(app: SynthesizedApp): void {
  fs.rmSync(app.outdir, { recursive: true, force: true });
}
