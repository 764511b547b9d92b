import { type Server, createServer } from "node:http";

export interface OtlpExport {
  path: string;
  contentType: string;
  /** `service.name` of each resource in the request (OTLP/HTTP protobuf). */
  services: string[];
}

/**
 * The `service.name` values of an OTLP protobuf request: each is a KeyValue whose key is
 * "service.name" and whose value is an AnyValue string, which encodes as these bytes.
 */
export function serviceNamesIn(body: Buffer): string[] {
  const names: string[] = [];
  const marker = Buffer.from("\x0a\x0cservice.name\x12", "latin1");
  for (let at = body.indexOf(marker); at !== -1; at = body.indexOf(marker, at + 1)) {
    const value = at + marker.length + 1;
    if (body[value] !== 0x0a) continue;
    const length = body[value + 1]!;
    names.push(body.subarray(value + 2, value + 2 + length).toString("utf8"));
  }
  return names;
}

/**
 * An OTLP/HTTP endpoint for tests: accepts every export as a collector would and records which
 * services sent what, in the protobuf encoding the services use by default.
 */
export class OtlpSink {
  readonly exports: OtlpExport[] = [];
  private server: Server | undefined;

  /** Listens on 127.0.0.1 (a free port unless one is given); resolves with the endpoint URL. */
  async start(port = 0): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        this.exports.push({
          path: request.url ?? "",
          contentType: request.headers["content-type"] ?? "",
          services: serviceNamesIn(Buffer.concat(chunks)),
        });
        response.writeHead(200, { "content-type": "application/x-protobuf" });
        response.end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
    const address = this.server.address();
    return `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  }

  /** The services that exported spans (to /v1/traces) so far. */
  traceExporters(): string[] {
    return [
      ...new Set(this.exports.filter((e) => e.path === "/v1/traces").flatMap((e) => e.services)),
    ].sort();
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
