// `npm run images [-- --local-base] [--tag <tag>] [--service <name> ...] [--production-only]`
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { ensureLocalBaseImages } from "./base-images";
import { docker as dockerCli } from "./docker";
import { SERVICES, type Service, buildImages, imageTable, pinnedNodeVersion } from "./images";

const usage = `usage: npm run images -- [--local-base] [--tag <tag>] [--service <name> ...] [--production-only]

Builds parley-<service>:<tag> (production) and parley-<service>-dev:<tag> (Tilt's dev stage) for
${SERVICES.join(", ")}, prints their sizes and writes a CycloneDX SBOM of each to .local/images/.
  --local-base       build stand-in base images here instead of pulling the Dockerfile's own
  --tag <tag>        image tag (default: local)
  --service <name>   only this service (repeatable)
  --production-only  skip the dev images
NODE_EXTRA_CA_CERTS, when set, is handed to npm inside the build as the secret npm-ca.`;

function fail(message: string): never {
  console.error(`npm run images: ${message}\n\n${usage}`);
  process.exit(2);
}

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        "local-base": { type: "boolean", default: false },
        tag: { type: "string", default: "local" },
        service: { type: "string", multiple: true },
        "production-only": { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    console.log(usage);
    return;
  }
  const unknown = (values.service ?? []).filter((s) => !(SERVICES as readonly string[]).includes(s));
  if (unknown.length > 0) fail(`unknown service ${unknown.join(", ")}`);
  if (!/^[\w][\w.-]{0,127}$/.test(values.tag)) fail(`--tag ${values.tag} is not a valid image tag`);
  const npmCaFile = process.env.NODE_EXTRA_CA_CERTS;
  if (npmCaFile && !existsSync(npmCaFile))
    fail(`NODE_EXTRA_CA_CERTS names ${npmCaFile}, which does not exist`);

  const docker = dockerCli();
  const log = (line: string) => console.log(line);
  const base = values["local-base"]
    ? await ensureLocalBaseImages({ docker, nodeVersion: pinnedNodeVersion(), log })
    : "upstream";
  const images = await buildImages({
    docker,
    base,
    tag: values.tag,
    services: values.service as Service[] | undefined,
    stages: values["production-only"] ? ["production"] : ["production", "dev"],
    npmCaFile,
    log,
  });
  console.log(`\n${imageTable(images)}\n\nSBOMs: ${images.map((i) => i.sbom).join(", ")}`);
}

main().catch((error: Error) => {
  console.error(`npm run images: ${error.message}`);
  process.exit(1);
});
