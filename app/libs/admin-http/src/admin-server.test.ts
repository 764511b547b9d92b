import { createLogger } from "@parley/logger";
import { initMetrics } from "@parley/metrics";
import { createAdminServer } from "./admin-server";

const logger = createLogger({ service: "test", level: "silent" });

initMetrics("test");

describe("admin server", () => {
  let dependencyUp = true;
  const admin = createAdminServer({
    checks: [
      { name: "database", check: async () => (dependencyUp ? "ok" : Promise.reject(new Error("down"))) },
      { name: "always", check: async () => undefined },
      { name: "broker", check: async () => Promise.reject(new Error("away")), critical: false },
    ],
    logger,
    checkTimeoutMs: 200,
  });
  let base = "";

  beforeAll(async () => {
    base = `http://127.0.0.1:${await admin.start(0, "127.0.0.1")}`;
  });
  afterAll(() => admin.stop());

  it("when asked for /healthz, then it answers ok", async () => {
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("when every critical dependency answers, then /readyz is 200 even with a degraded one; when a critical one fails, then 503 naming it", async () => {
    dependencyUp = true;
    let response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ready", checks: { broker: "degraded" } });
    dependencyUp = false;
    response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: "not ready",
      checks: { database: "failing", always: "ok", broker: "degraded" },
    });
    dependencyUp = true;
  });

  it("when asked for /metrics, then it serves the Prometheus text format with runtime metrics", async () => {
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/openmetrics-text");
    expect(await response.text()).toContain("process_cpu_user_seconds_total");
  });

  it("when an unknown path is asked for, then 404", async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it("when draining, then /readyz is 503 even with healthy dependencies", async () => {
    admin.markDraining();
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: "draining" });
  });
});
