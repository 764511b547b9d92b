import { parseMetrics, total } from "./prometheus-text";

describe("the Prometheus / OpenMetrics text parser", () => {
  const page = [
    "# HELP nodejs_heap_size_used_bytes Process heap size used from Node.js in bytes.",
    "# TYPE nodejs_heap_size_used_bytes gauge",
    'nodejs_heap_size_used_bytes{service="messaging"} 52428800',
    "# TYPE grpc_server_handled counter",
    'grpc_server_handled_total{grpc_method="Send",grpc_code="OK",service="messaging"} 7',
    'grpc_server_handled_total{grpc_method="Send",grpc_code="UNAVAILABLE",service="messaging"} 2',
    'grpc_server_handled_total{grpc_method="List",grpc_code="OK",service="messaging"} 5 1700000000000',
    'odd_labels{path="/a,b}c",quote="say \\"hi\\"",slash="C:\\\\x",line="1\\n2",} 1',
    'delivery_seconds_bucket{le="2.0"} 3 # {trace_id="abc123",span_id="def"} 1.7 1700000000.1',
    "process_cpu_seconds_total 12.5",
    "up NaN",
    "not a sample line",
  ].join("\n");
  const { samples, families } = parseMetrics(page);

  it("reads a series whose every sample carries labels (the soak's NaN bug)", () => {
    expect(total(samples, "nodejs_heap_size_used_bytes")).toBe(52428800);
    expect(total(samples, "nodejs_heap_size_used_bytes", { service: "messaging" })).toBe(52428800);
  });

  it("sums the samples whose labels include the ones asked for, timestamps ignored", () => {
    expect(total(samples, "grpc_server_handled_total")).toBe(14);
    expect(total(samples, "grpc_server_handled_total", { grpc_method: "Send" })).toBe(9);
    expect(total(samples, "grpc_server_handled_total", { grpc_code: "OK" })).toBe(12);
  });

  it("keeps commas, braces, quotes, backslashes and newlines inside label values", () => {
    expect(samples.find((s) => s.name === "odd_labels")?.labels).toEqual({
      path: "/a,b}c",
      quote: 'say "hi"',
      slash: "C:\\x",
      line: "1\n2",
    });
  });

  it("reads exemplars apart from the sample's own labels", () => {
    expect(samples.find((s) => s.name === "delivery_seconds_bucket")).toEqual({
      name: "delivery_seconds_bucket",
      labels: { le: "2.0" },
      value: 3,
      exemplar: { trace_id: "abc123", span_id: "def" },
    });
  });

  it("reads unlabelled samples, and NaN values as NaN", () => {
    expect(total(samples, "process_cpu_seconds_total")).toBe(12.5);
    expect(total(samples, "up")).toBeNaN();
  });

  it("gives NaN, not zero, for a series that is not on the page", () => {
    expect(total(samples, "process_resident_memory_bytes")).toBeNaN();
    expect(total(samples, "grpc_server_handled_total", { grpc_method: "Nope" })).toBeNaN();
  });

  it("names counter families with their _total suffix", () => {
    expect(families.get("grpc_server_handled_total")).toBe("counter");
    expect(families.get("nodejs_heap_size_used_bytes")).toBe("gauge");
  });

  it("skips comments and lines that are not samples", () => {
    expect(samples.map((s) => s.name)).not.toContain("not");
    expect(samples).toHaveLength(8);
  });
});
