import {
  type ManifestObject,
  heapSettingOf,
  memoryMiB,
  productionSettingsOf,
  readProductionSettings,
} from "./production-settings";
import { repositoryRoot } from "@parley/launcher";

const deployment = (name: string, memory: string, extra: Record<string, unknown> = {}): ManifestObject =>
  ({
    kind: "Deployment",
    metadata: { name },
    spec: {
      template: {
        spec: {
          containers: [
            {
              name,
              envFrom: [{ configMapRef: { name: `${name}-config-h4sh` } }],
              resources: { limits: { memory } },
              ...extra,
            },
          ],
        },
      },
    },
  }) as ManifestObject;

const configMap = (name: string, data: Record<string, string>): ManifestObject => ({
  kind: "ConfigMap",
  metadata: { name },
  data,
});

const defaults = (variable: string) =>
  ({ SSE_HEARTBEAT_SECONDS: "15", STREAM_HEARTBEAT_SECONDS: "15" })[variable]!;

describe("memory quantities", () => {
  it.each([
    ["256Mi", 256],
    ["1Gi", 1024],
    ["512Ki", 0.5],
    ["1.5Gi", 1536],
    ["268435456", 256],
    ["500M", 500e6 / 2 ** 20],
  ])("when the limit is %s, then it is %d MiB", (quantity, mib) => {
    expect(memoryMiB(quantity)).toBeCloseTo(mib, 6);
  });

  it("when the quantity is not one, then it is refused", () => {
    expect(() => memoryMiB("lots")).toThrow("not a memory quantity");
  });
});

describe("the heap flag of a container", () => {
  const container = (extra: Record<string, unknown> = {}) =>
    deployment("gateway", "256Mi", extra).spec!.template!.spec!.containers![0]!;

  it("when the manifest sets no heap flag, then it is 75% of the memory limit, rounded down", () => {
    expect(heapSettingOf(container(), {})).toEqual({
      memoryLimitMiB: 256,
      flag: "--max-old-space-size=192",
      source: "derived from the memory limit",
    });
    expect(heapSettingOf(deployment("auth", "500M").spec!.template!.spec!.containers![0]!, {}).flag).toBe(
      "--max-old-space-size=357",
    );
  });

  it("when NODE_OPTIONS carries one, then that one is used", () => {
    expect(
      heapSettingOf(container(), { NODE_OPTIONS: "--enable-source-maps --max-old-space-size=180" }),
    ).toMatchObject({
      flag: "--max-old-space-size=180",
      source: "manifest NODE_OPTIONS",
    });
  });

  it("when the args carry one, then that one is used", () => {
    expect(
      heapSettingOf(container({ args: ["--max-old-space-size=150", "dist/main.js"] }), {}),
    ).toMatchObject({
      flag: "--max-old-space-size=150",
      source: "manifest args",
    });
  });

  it("when the container has no memory limit, then there is nothing to derive from", () => {
    expect(() => heapSettingOf({ name: "gateway" }, {})).toThrow("has no memory limit");
  });
});

describe("the production settings of the platform", () => {
  const objects = [
    deployment("auth", "512Mi"),
    deployment("messaging", "256Mi"),
    deployment("notification", "256Mi"),
    deployment("gateway", "256Mi"),
    configMap("notification-config-h4sh", {
      NODE_OPTIONS: "--max-old-space-size=160",
      STREAM_HEARTBEAT_SECONDS: "20",
    }),
  ];

  it("when read, then each service gets its heap flag as NODE_OPTIONS and the streams their heartbeats", () => {
    const settings = productionSettingsOf(objects, "test", defaults);
    expect(settings.serviceEnv).toEqual({
      auth: { NODE_OPTIONS: "--max-old-space-size=384" },
      messaging: { NODE_OPTIONS: "--max-old-space-size=192" },
      notification: { NODE_OPTIONS: "--max-old-space-size=160", STREAM_HEARTBEAT_SECONDS: "20" },
      gateway: { NODE_OPTIONS: "--max-old-space-size=192", SSE_HEARTBEAT_SECONDS: "15" },
    });
    expect(settings.heap.notification.source).toBe("manifest NODE_OPTIONS");
    expect(settings.heartbeatSeconds).toBe(20);
  });

  it("when a service's Deployment is missing, then it says which", () => {
    expect(() => productionSettingsOf(objects.slice(1), "test", defaults)).toThrow("no Deployment auth");
  });

  it("when the repository's own manifests are read, then every service has a heap flag within its limit", () => {
    const settings = readProductionSettings(repositoryRoot);
    for (const heap of Object.values(settings.heap)) {
      const megabytes = Number(/=(\d+)$/.exec(heap.flag)![1]);
      expect(megabytes).toBeGreaterThan(0);
      expect(megabytes).toBeLessThan(heap.memoryLimitMiB);
    }
    expect(settings.heartbeatSeconds).toBeGreaterThan(0);
  });
});
