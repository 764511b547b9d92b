import { parseProcessMetrics } from "./process-sampler";

describe("process figures from /metrics", () => {
  it("when the page has both process metrics, then CPU seconds and resident bytes are read", () => {
    const page = [
      "# TYPE process_cpu_seconds_total counter",
      "process_cpu_seconds_total 12.5",
      'process_resident_memory_bytes{service="x"} 104857600',
      "nodejs_heap_size_used_bytes 52428800",
      "process_resident_memory_bytes_other 1",
    ].join("\n");
    expect(parseProcessMetrics(page)).toEqual({
      cpuSeconds: 12.5,
      rssBytes: 104857600,
      heapUsedBytes: 52428800,
    });
  });

  it("when one of them is missing or the page is empty, then there is no sample", () => {
    expect(parseProcessMetrics("process_cpu_seconds_total 1")).toBeUndefined();
    expect(parseProcessMetrics("")).toBeUndefined();
  });
});
