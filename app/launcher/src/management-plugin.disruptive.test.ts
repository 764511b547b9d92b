import { execFileSync } from "node:child_process";
import {
  dropLauncherDatabase,
  eventually,
  runLauncher,
  testDatabaseUrl,
  uniqueName,
} from "@parley/test-support";

const plugins = (...args: string[]) =>
  execFileSync("rabbitmq-plugins", ["--quiet", ...args], { stdio: "pipe" });

/**
 * A stock Debian RabbitMQ has its management plugin off; `npm start` needs it for the services'
 * broker users. Turns the machine's plugin off, so it runs alone with the other disruptive tests.
 */
describe("npm start on a broker without its management plugin (disables it on the machine's RabbitMQ)", () => {
  const database = uniqueName("parley_plugin");

  afterAll(async () => {
    plugins("enable", "rabbitmq_management");
    await dropLauncherDatabase(database);
  });

  it("when the plugin is off, then the launcher enables it and the platform starts", async () => {
    plugins("disable", "rabbitmq_management");
    const url = new URL(testDatabaseUrl);
    url.pathname = `/${database}`;
    const { child, output, exited } = runLauncher({ DATABASE_URL: url.toString(), HTTP_PORT: "0" });
    try {
      const running = () => output.some((line) => /Parley is running at http:\/\/\S+/.test(line));
      expect(await eventually(() => running() || child.exitCode !== null, 90_000, 200)).toBe(true);
      expect(output.join("\n")).toContain("enabled RabbitMQ's management plugin");
      expect(running()).toBe(true);
      child.kill("SIGINT");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  }, 120_000);
});
