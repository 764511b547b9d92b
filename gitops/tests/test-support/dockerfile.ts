// A small Dockerfile reader (instructions with their continuation lines joined) and the rules our
// images follow.

export interface Instruction {
  keyword: string;
  args: string;
}

export function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = "";
  for (const line of text.split("\n")) {
    if (/^\s*#/.test(line)) continue;
    const joined = pending + line;
    if (/\\\s*$/.test(line)) {
      pending = joined.replace(/\\\s*$/, " ");
      continue;
    }
    pending = "";
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(joined);
    if (match) instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim() });
  }
  return instructions;
}

interface Stage {
  image: string;
  alias?: string;
  instructions: Instruction[];
}

function stages(instructions: Instruction[]): Stage[] {
  const globalArgs = new Map<string, string>();
  const result: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === "FROM") {
      const [image, as, alias] = instruction.args.replace(/--platform=\S+\s+/, "").split(/\s+/);
      const resolved = image!.replace(/\$\{?(\w+)\}?/g, (_, name: string) => globalArgs.get(name) ?? "");
      result.push({
        image: resolved,
        alias: as?.toUpperCase() === "AS" ? alias : undefined,
        instructions: [],
      });
    } else if (result.length === 0 && instruction.keyword === "ARG") {
      const [name, value] = instruction.args.split("=");
      globalArgs.set(name!, value ?? "");
    } else {
      result.at(-1)?.instructions.push(instruction);
    }
  }
  return result;
}

const SECRET_PATH =
  /(^|\/)(\.env[^/]*|[^/\s]*\.pem|[^/\s]*\.key|id_[a-z0-9]+|\.npmrc|secrets?|credentials?)(\/|$)/i;
const SECRET_NAME = /(PASSWORD|SECRET|TOKEN|PRIVATE_KEY|CREDENTIAL)/i;

/** Dockerfile options newer than the frontend built into Docker 20.10's BuildKit. */
const NEWER_OPTIONS = ["--parents", "--exclude", "--link", "--checksum", "--keep-git-dir"];

export function dockerfileProblems(text: string): string[] {
  const all = stages(parseDockerfile(text));
  const problems: string[] = [];
  if (all.length < 2) problems.push("not a multi-stage build");
  // A syntax directive makes BuildKit pull that frontend image from a registry before the build.
  const syntax = /^#\s*syntax\s*=\s*(\S+)/im.exec(text);
  if (syntax) problems.push(`the syntax directive pulls the frontend image ${syntax[1]}`);
  const aliases = new Set<string>();
  for (const stage of all) {
    if (!aliases.has(stage.image)) {
      const tag = /:([^/@]+)(@|$)/.exec(stage.image)?.[1];
      const pinned =
        stage.image.includes("@sha256:") || (tag !== undefined && tag !== "latest" && /\d/.test(tag));
      if (!pinned)
        problems.push(`base image ${stage.image || "(empty)"} is not pinned to a version or digest`);
    }
    if (stage.alias) aliases.add(stage.alias);
    for (const { keyword, args } of stage.instructions) {
      const words = args.split(/\s+/);
      const options = words.slice(
        0,
        Math.max(
          0,
          words.findIndex((w) => !w.startsWith("--")),
        ),
      );
      for (const option of options.map((o) => o.split("=")[0]!).filter((o) => NEWER_OPTIONS.includes(o)))
        problems.push(`${keyword} ${option} needs a newer Dockerfile frontend than Docker 20.10's`);
      if ((keyword === "COPY" || keyword === "ADD") && !/--from=/.test(args)) {
        const paths = args
          .split(/\s+/)
          .filter((a) => !a.startsWith("--"))
          .slice(0, -1);
        for (const p of paths) {
          if (/^[a-z]+:\/\/|^git@/.test(p)) problems.push(`${keyword} ${p} downloads at build time`);
          else if (SECRET_PATH.test(p)) problems.push(`${keyword} ${p} may copy a secret`);
        }
      }
      if ((keyword === "ENV" || keyword === "ARG") && SECRET_NAME.test(args.split(/[=\s]/)[0]!))
        problems.push(`${keyword} ${args.split(/[=\s]/)[0]} puts a secret in the image`);
    }
  }
  const runtime = all.at(-1);
  if (runtime !== undefined) {
    const user = runtime.instructions.filter((i) => i.keyword === "USER").at(-1)?.args;
    if (user === undefined) problems.push("the runtime stage sets no USER");
    else if (/^(root|0)(:|$)/.test(user)) problems.push(`the runtime stage runs as ${user}`);
    if (!/distroless|^scratch$/.test(runtime.image))
      problems.push(`the runtime image ${runtime.image} is not distroless`);
    for (const i of runtime.instructions.filter((i) => i.keyword === "CMD" || i.keyword === "ENTRYPOINT")) {
      if (!i.args.startsWith("["))
        problems.push(`${i.keyword} is in shell form: signals would not reach node`);
    }
    if (runtime.instructions.some((i) => i.keyword === "RUN"))
      problems.push("the runtime stage runs commands");
  }
  return problems;
}

/** Names of the variables the production image (the last stage) sets with ENV. */
export function runtimeEnvNames(text: string): string[] {
  return (stages(parseDockerfile(text)).at(-1)?.instructions ?? [])
    .filter((i) => i.keyword === "ENV")
    .flatMap((i) => [...i.args.matchAll(/(?:^|\s)([A-Za-z_]\w*)=/g)].map((m) => m[1]!));
}

/** COPY/ADD sources from the build context that the .dockerignore keeps out (the build would fail). */
export function ignoredCopySources(dockerfile: string, dockerignore: string): string[] {
  const allowed = dockerignore
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("!"))
    .map((l) => l.slice(1).replace(/\/$/, ""));
  return stages(parseDockerfile(dockerfile))
    .flatMap((s) => s.instructions)
    .filter((i) => (i.keyword === "COPY" || i.keyword === "ADD") && !/--from=/.test(i.args))
    .flatMap((i) =>
      i.args
        .split(/\s+/)
        .filter((a) => !a.startsWith("--"))
        .slice(0, -1),
    )
    .filter((source) => !/^[a-z]+:\/\//.test(source))
    .filter((source) => !allowed.some((a) => source === a || source.startsWith(`${a}/`)));
}
