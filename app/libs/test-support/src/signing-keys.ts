import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Writes an EC P-256 private key `<kid>.pem` into `folder` (a new temporary folder by default). */
export async function writeSigningKey(kid: string, folder?: string): Promise<string> {
  const target = folder ?? (await mkdtemp(join(tmpdir(), "parley-keys-")));
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  await writeFile(join(target, `${kid}.pem`), privateKey.export({ format: "pem", type: "pkcs8" }), {
    mode: 0o600,
  });
  return target;
}
