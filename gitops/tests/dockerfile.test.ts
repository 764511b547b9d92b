import { readFileSync } from "node:fs";
import path from "node:path";
import { dockerfileProblems, ignoredCopySources, parseDockerfile } from "./test-support/dockerfile";
import { repoRoot } from "./test-support/render";

const read = (file: string) => readFileSync(path.join(repoRoot, file), "utf8");
const dockerfile = read("app/Dockerfile");
const dockerignore = read(".dockerignore");

describe("app/Dockerfile", () => {
  it("builds in stages from pinned images into a distroless, non-root runtime that receives signals", () => {
    expect(dockerfileProblems(dockerfile)).toEqual([]);
  });

  it("copies only what the .dockerignore lets into the context", () => {
    expect(ignoredCopySources(dockerfile, dockerignore)).toEqual([]);
  });

  it("takes the service as a build argument and runs its compiled entry point", () => {
    expect(dockerfile).toMatch(/^ARG SERVICE$/m);
    expect(dockerfile).toMatch(/^WORKDIR \/app\/app\/services\/\$\{SERVICE\}$/m);
    expect(dockerfile).toMatch(/^CMD \["dist\/main\.js"\]$/m);
  });

  it("installs only production dependencies into the runtime image", () => {
    expect(dockerfile).toMatch(/npm ci --omit=dev .*--workspace "app\/services\/\$\{SERVICE\}"/);
  });

  it("hands every npm install the optional proxy CA as a build secret, and nothing else refers to it", () => {
    const instructions = parseDockerfile(dockerfile);
    const installs = instructions.filter((i) => i.keyword === "RUN" && /npm ci/.test(i.args));
    expect(installs).toHaveLength(2);
    for (const install of installs) {
      expect(install.args).toMatch(/--mount=type=secret,id=npm-ca /);
      expect(install.args).toMatch(/NODE_EXTRA_CA_CERTS=\/run\/secrets\/npm-ca/);
    }
    const others = instructions.filter((i) => !installs.includes(i));
    expect(others.filter((i) => /npm-ca/.test(i.args))).toEqual([]);
  });
});

describe(".dockerignore", () => {
  it("starts from nothing and lets in only the manifests, the TypeScript base config and app/", () => {
    const lines = dockerignore.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"));
    expect(lines[0]).toBe("**");
    expect(lines.filter((l) => l.startsWith("!")).sort()).toEqual([
      "!app/",
      "!package-lock.json",
      "!package.json",
      "!tsconfig.base.json",
    ]);
    expect(lines).toEqual(expect.arrayContaining(["app/**/node_modules", "app/**/dist", "app/**/.env*"]));
  });
});

describe("the Dockerfile rules", () => {
  it("catch a single-stage build, an unpinned base and a root runtime", () => {
    expect(dockerfileProblems('FROM node:latest\nUSER root\nCMD ["dist/main.js"]\n')).toEqual([
      "not a multi-stage build",
      "base image node:latest is not pinned to a version or digest",
      "the runtime stage runs as root",
      "the runtime image node:latest is not distroless",
    ]);
  });

  it("catch a missing USER, a shell-form CMD and commands in the runtime stage", () => {
    const runtimeStage = dockerfile.lastIndexOf("FROM ");
    const text =
      dockerfile.slice(0, runtimeStage) +
      dockerfile
        .slice(runtimeStage)
        .replace("USER 65532:65532", "")
        .replace('CMD ["dist/main.js"]', "CMD node dist/main.js");
    expect(dockerfileProblems(`${text}\nRUN ls\n`)).toEqual([
      "the runtime stage sets no USER",
      "CMD is in shell form: signals would not reach node",
      "the runtime stage runs commands",
    ]);
  });

  it("catch a syntax directive, options newer than Docker 20.10's frontend and downloads at build time", () => {
    const text = `# syntax=docker/dockerfile:1.7-labs\n${dockerfile}`
      .replace("COPY package.json package-lock.json ./", "COPY --parents package.json package-lock.json ./")
      .replace(
        "COPY tsconfig.base.json ./",
        "ADD https://example.com/ca.pem /etc/ca.pem\nCOPY tsconfig.base.json ./",
      );
    expect(dockerfileProblems(text)).toEqual([
      "the syntax directive pulls the frontend image docker/dockerfile:1.7-labs",
      "COPY --parents needs a newer Dockerfile frontend than Docker 20.10's",
      "ADD https://example.com/ca.pem downloads at build time",
    ]);
  });

  it("catch a base image given only by a floating tag through a build argument", () => {
    const text = dockerfile.replace(
      /^ARG RUNTIME_IMAGE=.*$/m,
      "ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs24-debian12:nonroot",
    );
    expect(dockerfileProblems(text)).toEqual([
      "base image gcr.io/distroless/nodejs24-debian12:nonroot is not pinned to a version or digest",
    ]);
  });

  it("catch secrets copied or set in the image", () => {
    const text = dockerfile.replace(
      "COPY tsconfig.base.json ./",
      "COPY tsconfig.base.json .npmrc ./\nCOPY .env.local ./\nENV NPM_TOKEN=abc",
    );
    expect(dockerfileProblems(text)).toEqual([
      "COPY .npmrc may copy a secret",
      "COPY .env.local may copy a secret",
      "ENV NPM_TOKEN puts a secret in the image",
    ]);
  });

  it("catch a COPY of a path the .dockerignore keeps out", () => {
    expect(
      ignoredCopySources(dockerfile.replace("COPY app ./app", "COPY app proto ./"), dockerignore),
    ).toEqual(["proto"]);
  });
});
