import { readFileSync } from "node:fs";
import path from "node:path";
import { generatedFiles } from "../src/generated";
import { observabilityDir } from "../src/paths";

// Generated files are committed so that reviews show what changes; they must match their sources.
describe.each(generatedFiles().map((g) => [g.file, g] as const))("generated %s", (file, generated) => {
  it("is committed as `npm run observability:generate` writes it", () => {
    const committed = readFileSync(path.join(observabilityDir, file), "utf8");
    expect(committed === generated.content()).toBe(true);
  });

  it("says it is generated", () => {
    const committed = readFileSync(path.join(observabilityDir, file), "utf8");
    expect(committed).toMatch(
      file.endsWith(".json") ? /do not edit/ : /^# Code generated .* DO NOT EDIT\.\n/,
    );
  });
});
