import { connect } from "node:net";

/** A request written byte for byte: what a real client library would refuse to send is allowed here. */
export interface RawRequest {
  method: string;
  /** Path and query as raw bytes (may hold invalid UTF-8, bad percent-encoding, control characters). */
  target: Buffer;
  /** Names and values as raw bytes; a value may hold CR LF (header injection). */
  headers: [string, Buffer | string][];
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function parseResponse(data: Buffer): RawResponse {
  let rest = data;
  for (;;) {
    const end = rest.indexOf("\r\n\r\n");
    if (end < 0)
      throw new Error(`incomplete response: ${JSON.stringify(rest.subarray(0, 200).toString("latin1"))}`);
    const [statusLine = "", ...lines] = rest.subarray(0, end).toString("latin1").split("\r\n");
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
    if (!status) throw new Error(`not an HTTP response: ${JSON.stringify(statusLine)}`);
    rest = rest.subarray(end + 4);
    if (status >= 100 && status < 200) continue; // 100 Continue and the like precede the answer
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(":");
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    return { status, headers, body: headers["transfer-encoding"] === "chunked" ? unchunk(rest) : rest };
  }
}

function unchunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = data.indexOf("\r\n", offset);
    if (lineEnd < 0) break;
    const size = parseInt(data.subarray(offset, lineEnd).toString("latin1"), 16);
    if (!size) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/**
 * Sends one request on a connection of its own and reads the whole answer. An event stream that
 * opened (200, text/event-stream) is closed at once and reported without its body. Rejects when
 * no complete answer arrives within `timeoutMs`.
 */
export function sendRaw(port: number, request: RawRequest, timeoutMs = 10_000): Promise<RawResponse> {
  const head: Buffer[] = [
    Buffer.from(`${request.method} `, "latin1"),
    request.target,
    Buffer.from(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n", "latin1"),
  ];
  for (const [name, value] of request.headers) {
    head.push(
      Buffer.from(`${name}: `, "latin1"),
      typeof value === "string" ? Buffer.from(value, "utf8") : value,
    );
    head.push(Buffer.from("\r\n", "latin1"));
  }
  if (request.body) head.push(Buffer.from(`Content-Length: ${request.body.length}\r\n`, "latin1"));
  head.push(Buffer.from("\r\n", "latin1"));
  const bytes = Buffer.concat([...head, request.body ?? Buffer.alloc(0)]);

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = connect({ host: "127.0.0.1", port });
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) return reject(error);
      try {
        resolve(parseResponse(Buffer.concat(chunks)));
      } catch (parseError) {
        reject(parseError as Error);
      }
    };
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.on("connect", () => socket.write(bytes));
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      const sofar = Buffer.concat(chunks);
      const end = sofar.indexOf("\r\n\r\n");
      if (end > 0 && /^HTTP\/1\.1 200/.test(sofar.toString("latin1", 0, 12))) {
        if (/content-type: text\/event-stream/i.test(sofar.subarray(0, end).toString("latin1"))) finish();
      }
    });
    // A reset after the answer arrived (the server closing a connection it will not read) is fine.
    socket.on("error", (error) => (chunks.length ? finish() : finish(error)));
    socket.on("close", () => finish());
  });
}
