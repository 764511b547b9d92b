import {
  Metadata,
  credentials,
  loadPackageDefinition,
  makeGenericClientConstructor,
  type ServiceError,
} from "@grpc/grpc-js";
import { authV1, notificationV1 } from "@parley/contracts";
import { AppError } from "@parley/errors";
import { createLogger } from "@parley/logger";
import { loadSync } from "@grpc/proto-loader";
import { service as healthService } from "grpc-health-check";
import { callUnary, createClient, openStream } from "./grpc-client";
import { createGrpcServer, service } from "./grpc-server";
import type { Handlers } from "./service-handlers";

const logger = createLogger({ service: "test", level: "silent" });
const notImplemented = () => Promise.reject(new AppError("failed_precondition", "not in this test"));

type PublicInThisTest = "getUserByUsername" | "getJwks";
const access = {
  authenticate: async (metadata: Metadata) => {
    if (metadata.get("authorization")[0] !== "Bearer good") throw new AppError("unauthenticated", "No.");
    return { userId: "u-caller", sessionId: "s1", accessToken: "good" };
  },
  public: ["getUserByUsername", "getJwks"] as PublicInThisTest[],
};
const handled: string[] = [];
const bearer = (token: string) => {
  const metadata = new Metadata();
  metadata.set("authorization", `Bearer ${token}`);
  return metadata;
};

function authHandlers(
  overrides: Partial<Handlers<typeof authV1.AuthServiceService, PublicInThisTest>>,
): Handlers<typeof authV1.AuthServiceService, PublicInThisTest> {
  return {
    register: notImplemented,
    login: notImplemented,
    refresh: notImplemented,
    logout: notImplemented,
    verifyToken: notImplemented,
    getJwks: notImplemented,
    getUsers: notImplemented,
    getUserByUsername: notImplemented,
    ...overrides,
  };
}

describe("gRPC server and client helpers", () => {
  let release: () => void = () => undefined;
  const server = createGrpcServer(
    [
      service(
        authV1.AuthServiceService,
        authHandlers({
          getUsers: async (_request, { caller }) => {
            handled.push("getUsers");
            return { users: [{ id: caller.userId, username: "me" }] };
          },
          getUserByUsername: async ({ username }) => {
            if (username === "missing") throw new AppError("not_found", "No user with that name.");
            if (username === "limited")
              throw new AppError("resource_exhausted", "Slow down.", { retryAfterSeconds: 7 });
            if (username === "bug")
              throw new TypeError("cannot read properties of undefined (SELECT * FROM secret)");
            if (username === "slow") await new Promise<void>((resolve) => (release = resolve));
            return { user: { id: "u1", username } };
          },
          getJwks: async (_request, { metadata }) => ({
            keys: [
              {
                kid: String(metadata.get("authorization")[0] ?? "none"),
                kty: "",
                crv: "",
                x: "",
                y: "",
                alg: "",
                use: "",
              },
            ],
          }),
        }),
        access,
      ),
    ],
    logger,
  );
  let address = "";
  let client: authV1.AuthServiceClient;

  beforeAll(async () => {
    address = `127.0.0.1:${await server.start(0, "127.0.0.1")}`;
    client = createClient(authV1.AuthServiceClient, address, { idempotentMethods: ["getUserByUsername"] });
  });
  afterAll(async () => {
    client.close();
    await server.stop(1000);
  });

  it("when a handler resolves, then the client gets the response", async () => {
    await expect(callUnary(client, "getUserByUsername", { username: "ada" })).resolves.toEqual({
      user: { id: "u1", username: "ada", createdAt: undefined },
    });
  });

  it("when a handler throws an AppError, then the client gets its kind and message", async () => {
    await expect(callUnary(client, "getUserByUsername", { username: "missing" })).rejects.toMatchObject({
      kind: "not_found",
      message: "No user with that name.",
    });
  });

  it("when an AppError carries a retry hint, then it crosses the wire", async () => {
    await expect(callUnary(client, "getUserByUsername", { username: "limited" })).rejects.toMatchObject({
      kind: "resource_exhausted",
      retryAfterSeconds: 7,
    });
  });

  it("when a handler has a bug, then the client sees a bare internal error with no detail", async () => {
    const error = await callUnary(client, "getUserByUsername", { username: "bug" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "internal", message: "Internal error." });
    expect(JSON.stringify((error as AppError).cause)).not.toContain("SELECT");
  });

  it("when metadata is sent, then the handler reads it", async () => {
    const metadata = new Metadata();
    metadata.set("authorization", "Bearer t0k");
    const response = await callUnary(client, "getJwks", {}, { metadata });
    expect(response.keys[0]?.kid).toBe("Bearer t0k");
  });

  it("when a method is not public, then its handler gets the caller the metadata authenticated", async () => {
    const response = await callUnary(client, "getUsers", { ids: [] }, { metadata: bearer("good") });
    expect(response.users[0]?.id).toBe("u-caller");
  });

  it("when a method is not public and the call is not authenticated, then UNAUTHENTICATED and the handler never runs", async () => {
    const before = handled.length;
    await expect(
      callUnary(client, "getUsers", { ids: [] }, { metadata: bearer("bad") }),
    ).rejects.toMatchObject({
      kind: "unauthenticated",
    });
    await expect(callUnary(client, "getUsers", { ids: [] })).rejects.toMatchObject({
      kind: "unauthenticated",
    });
    expect(handled.length).toBe(before);
  });

  it("when the deadline passes, then the call fails with deadline_exceeded and a generic message", async () => {
    const error = await callUnary(
      client,
      "getUserByUsername",
      { username: "slow" },
      { timeoutMs: 100 },
    ).catch((e: unknown) => e);
    release();
    expect(error).toMatchObject({
      kind: "deadline_exceeded",
      message: "A dependency did not answer in time.",
    });
  });

  it("when no server listens, then the client gets unavailable with a retry hint", async () => {
    const nowhere = createClient(authV1.AuthServiceClient, "127.0.0.1:1");
    await expect(
      callUnary(nowhere, "getUserByUsername", { username: "x" }, { timeoutMs: 2000 }),
    ).rejects.toMatchObject({
      kind: "unavailable",
      retryAfterSeconds: 1,
    });
    nowhere.close();
  });

  it("when the health service is asked, then the server and each service report SERVING", async () => {
    const Health = makeGenericClientConstructor(healthService, "Health");
    const health = new Health(address, credentials.createInsecure()) as unknown as {
      check(
        request: object,
        callback: (error: ServiceError | null, response: { status: string }) => void,
      ): void;
      close(): void;
    };
    for (const name of ["", "parley.auth.v1.AuthService"]) {
      const reply = await new Promise<{ status?: string }>((resolve, reject) =>
        health.check({ service: name }, (error, response) => (error ? reject(error) : resolve(response))),
      );
      expect(reply.status).toBe("SERVING");
    }
    health.close();
  });

  it("when reflection is asked for the services, then it lists exactly the services this server runs", async () => {
    const definition = loadSync(
      require.resolve("@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto"),
    );
    const { grpc } = loadPackageDefinition(definition) as unknown as {
      grpc: {
        reflection: { v1: { ServerReflection: new (address: string, creds: unknown) => ReflectionClient } };
      };
    };
    type ReflectionClient = {
      serverReflectionInfo(): NodeJS.ReadWriteStream & { write(request: object): void; end(): void };
      close(): void;
    };
    const reflection = new grpc.reflection.v1.ServerReflection(address, credentials.createInsecure());
    const call = reflection.serverReflectionInfo();
    const reply = new Promise<{ listServicesResponse: { service: { name: string }[] } }>((resolve) =>
      call.once("data", resolve),
    );
    call.write({ listServices: "" });
    const names = (await reply).listServicesResponse.service.map((s) => s.name);
    call.end();
    reflection.close();
    expect(names).toEqual(["parley.auth.v1.AuthService"]);
  });

  it("when the server stops, then its open streams are ended instead of holding the shutdown", async () => {
    const streamServer = createGrpcServer(
      [
        service(
          notificationV1.NotificationServiceService,
          {
            listNotifications: notImplemented,
            markNotificationRead: notImplemented,
            markAllNotificationsRead: notImplemented,
            getPresence: notImplemented,
            subscribe: async (_request, { write, signal }) => {
              await write({ event: { $case: "heartbeat", value: { sentAt: new Date() } }, traceContext: {} });
              await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
            },
          },
          { authenticate: access.authenticate, public: ["subscribe"] },
        ),
      ],
      logger,
    );
    const port = await streamServer.start(0, "127.0.0.1");
    const streamClient = createClient(notificationV1.NotificationServiceClient, `127.0.0.1:${port}`);
    const stream = openStream(streamClient, streamClient.subscribe, { afterSequence: "0" });
    const received: unknown[] = [];
    const ended = new Promise<void>((resolve) => {
      stream.on("data", (message) => received.push(message));
      stream.on("end", resolve);
      stream.on("error", () => resolve());
    });
    await new Promise((resolve) => stream.once("data", resolve));
    await streamServer.stop(2000);
    await ended;
    expect(received.length).toBeGreaterThanOrEqual(1);
    streamClient.close();
  });
});
