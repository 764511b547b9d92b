import { spawn, spawnSync } from "node:child_process";

export interface DockerOptions {
  cwd?: string;
  /** Receives each line of output as it comes (builds are long; progress should show). */
  onLine?(line: string): void;
}

/** The docker CLI and the commands the image tooling and the container suite run with it. */
export interface Docker {
  cli: string;
  /** Runs `docker <args>` and returns its standard output; a failure names the command and its output. */
  run(args: string[], options?: DockerOptions): Promise<string>;
  imageExists(reference: string): Promise<boolean>;
}

const versionOf = (cli: string, args: string[]) => {
  const result = spawnSync(cli, args, { encoding: "utf8", timeout: 10_000 });
  return result.status === 0 ? result.stdout.trim() : undefined;
};

/**
 * A CLI that builds with BuildKit: one with the buildx plugin, or a client older than 23 (BuildKit
 * built in, as Debian's docker.io 20.10). A newer client without buildx refuses BuildKit builds, so
 * where both exist (a machine image's own client beside Debian's package) the one that works wins.
 */
export function findDockerCli(candidates = [process.env.DOCKER ?? "docker", "/usr/bin/docker"]): string {
  const usable = candidates.find((cli) => {
    if (versionOf(cli, ["buildx", "version"]) !== undefined) return true;
    const client = versionOf(cli, ["version", "--format", "{{.Client.Version}}"]);
    return client !== undefined && Number(client.split(".")[0]) < 23;
  });
  if (!usable) {
    throw new Error(
      `no docker CLI that builds with BuildKit among ${candidates.join(", ")}: install Docker with buildx, ` +
        "or on Debian `sudo bash app/containers/engine-setup.sh` (the docker.io package)",
    );
  }
  return usable;
}

export function docker(cli = findDockerCli()): Docker {
  const run = (args: string[], options: DockerOptions = {}) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(cli, args, {
        cwd: options.cwd,
        env: { ...process.env, DOCKER_BUILDKIT: "1", BUILDKIT_PROGRESS: "plain" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const stdout: Buffer[] = [];
      const output: string[] = [];
      const collect = (chunk: Buffer) => {
        const lines = chunk.toString().split("\n").filter(Boolean);
        output.push(...lines);
        if (output.length > 400) output.splice(0, output.length - 400);
        for (const line of lines) options.onLine?.(line);
      };
      child.stdout.on("data", (chunk: Buffer) => {
        stdout.push(chunk);
        if (options.onLine) collect(chunk);
      });
      child.stderr.on("data", collect);
      child.on("error", reject);
      child.on("close", (code) => {
        if (code === 0) resolve(Buffer.concat(stdout).toString());
        else {
          const tail = output.slice(-40).join("\n");
          reject(new Error(`${cli} ${args.join(" ")} exited with ${code}:\n${tail}`));
        }
      });
    });
  return {
    cli,
    run,
    imageExists: (reference) =>
      run(["image", "inspect", "--format", "{{.Id}}", reference]).then(
        () => true,
        () => false,
      ),
  };
}
