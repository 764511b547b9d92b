import {
  dropLauncherDatabase,
  eventually,
  runLauncher,
  testDatabaseUrl,
  uniqueName,
} from "@parley/test-support";

async function waitFor<T>(find: () => T | undefined, timeoutMs: number): Promise<T> {
  if (!(await eventually(() => find() !== undefined, timeoutMs, 100))) throw new Error("timed out");
  return find()!;
}

describe("npm start's launcher (real processes)", () => {
  const database = uniqueName("parley_launch");

  afterAll(() => dropLauncherDatabase(database));

  it("when started, then it creates the database, prints a URL that works, and Ctrl-C stops everything", async () => {
    const url = new URL(testDatabaseUrl);
    url.pathname = `/${database}`;
    const { child, output, exited } = runLauncher({ DATABASE_URL: url.toString(), HTTP_PORT: "0" });
    try {
      const gateway = await waitFor(
        () => output.map((line) => /Parley is running at (http:\/\/\S+)/.exec(line)?.[1]).find(Boolean),
        60_000,
      );
      expect(output.join("\n")).toContain(`created database ${database}`);
      expect(output.join("\n")).toContain("curl -s -X POST");

      const credentials = { username: `launch${Date.now().toString(36)}`, password: "correct horse battery" };
      const post = (path: string) =>
        fetch(`${gateway}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(credentials),
        });
      expect((await post("/v1/auth/register")).status).toBe(201);
      expect((await post("/v1/auth/login")).status).toBe(200);

      child.kill("SIGINT");
      expect(await exited).toBe(0);
      expect(output.join("\n")).toContain("all services stopped");
      await expect(fetch(`${gateway}/openapi.json`)).rejects.toThrow();
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("when PostgreSQL cannot be reached, then it stops with a message saying what to start", async () => {
    const { output, exited } = runLauncher({
      DATABASE_URL: "postgres://postgres@127.0.0.1:1/parley",
      HTTP_PORT: "0",
    });
    expect(await exited).toBe(1);
    const text = output.join("\n");
    expect(text).toContain("cannot reach PostgreSQL at 127.0.0.1:1");
    expect(text).toContain("pg_ctlcluster");
  });
});
