import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Stops and starts the local RabbitMQ application (the Erlang node stays up), as an operator
 * would. Only disruptive tests use these; they always start what they stopped.
 */
export const rabbitmq = {
  async stopApp(): Promise<void> {
    await run("rabbitmqctl", ["stop_app"], { timeout: 60_000 });
  },
  async startApp(): Promise<void> {
    await run("rabbitmqctl", ["start_app"], { timeout: 120_000 });
    await run("rabbitmqctl", ["await_startup", "--timeout", "120"], { timeout: 130_000 });
  },
};
