import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { testDatabaseUrl, uniqueName } from "@parley/test-support";
import { Client } from "pg";
import { repositoryRoot } from "./platform";

/** The shell block of the README's "Try it" section, exactly as a reader would paste it. */
function walkthrough(): string {
  const readme = readFileSync(join(repositoryRoot, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("### Try it"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error("no sh block in the README's Try it section");
  return block;
}

describe("the README walkthrough (real processes)", () => {
  const database = uniqueName("parley_walkthrough");
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${database}`;

  afterAll(async () => {
    const admin = new URL(testDatabaseUrl);
    admin.pathname = "/postgres";
    const client = new Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await client.end();
  });

  it("when pasted into a shell next to npm start, then Bob's stream shows Ada's message", async () => {
    const launcher = spawn(process.execPath, [join(repositoryRoot, "app", "launcher", "dist", "main.js")], {
      env: { ...process.env, DATABASE_URL: url.toString(), HTTP_PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const launcherOutput: string[] = [];
    createInterface({ input: launcher.stdout }).on("line", (line) => launcherOutput.push(line));
    try {
      let gateway: string | undefined;
      for (let i = 0; i < 600 && !gateway; i += 1) {
        gateway = launcherOutput
          .map((line) => /Parley is running at (http:\/\/\S+)/.exec(line)?.[1])
          .find(Boolean);
        if (!gateway) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(gateway).toBeDefined();

      // The block's first line points at the default port; the launcher here picked a free one.
      // Bob's stream runs in the background until the shell's process group is stopped, once both
      // notifications arrived (on a busy machine the welcome can take longer than a fixed pause).
      const script = `${walkthrough().replace(/^API=.*$/m, `API=${gateway}`)}\nwait\n`;
      const shell = spawn("bash", ["-c", script], { stdio: ["ignore", "pipe", "pipe"], detached: true });
      let output = "";
      shell.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      shell.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise((resolve) => shell.once("exit", resolve));
      const expected = [
        /event: notification\ndata: \{[^\n]*"kind":"welcome"/,
        /event: notification\ndata: \{[^\n]*"kind":"message_received"[^\n]*"preview":"Hi Bob 👋"/,
      ];
      for (let i = 0; i < 300 && !expected.every((pattern) => pattern.test(output)); i += 1)
        await new Promise((resolve) => setTimeout(resolve, 100));
      process.kill(-shell.pid!, "SIGTERM");
      await exited;

      expect(output).toContain('"body":"Hi Bob 👋"');
      for (const pattern of expected) expect(output).toMatch(pattern);
    } finally {
      launcher.kill("SIGINT");
      await new Promise((resolve) => launcher.once("exit", resolve));
    }
  }, 90_000);
});
