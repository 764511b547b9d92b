import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repositoryRoot } from "@parley/launcher";

/** The shell block of the README's "Try it with curl" section, exactly as a reader would paste it. */
export function readmeWalkthrough(): string {
  const readme = readFileSync(join(repositoryRoot, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("### Try it with curl"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error("no sh block in the README's Try it with curl section");
  return block;
}

/** What Bob's stream shows when the walkthrough worked: the welcome, then Ada's message. */
export const walkthroughNotifications = [
  /event: notification\ndata: \{[^\n]*"kind":"welcome"/,
  /event: notification\ndata: \{[^\n]*"kind":"message_received"[^\n]*"preview":"Hi Bob 👋"/,
];

/**
 * Runs the walkthrough in bash against `gatewayUrl` (its first line points at the default port)
 * and returns everything it printed, once both notifications arrived or 30 s passed. Bob's stream
 * runs in the background until the shell's process group is stopped.
 */
export async function runReadmeWalkthrough(gatewayUrl: string): Promise<string> {
  const script = `${readmeWalkthrough().replace(/^API=.*$/m, `API=${gatewayUrl}`)}\nwait\n`;
  const shell = spawn("bash", ["-c", script], { stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  shell.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  shell.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((resolve) => shell.once("exit", resolve));
  for (let i = 0; i < 300 && !walkthroughNotifications.every((pattern) => pattern.test(output)); i += 1)
    await new Promise((resolve) => setTimeout(resolve, 100));
  process.kill(-shell.pid!, "SIGTERM");
  await exited;
  return output;
}
