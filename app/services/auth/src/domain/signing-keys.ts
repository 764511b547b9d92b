import { type KeyObject, createPrivateKey, createPublicKey } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import { basename, join } from "node:path";
import type { PublicJwk } from "@parley/access-token";

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: PublicJwk & { alg: "ES256"; use: "sig" };
}

export interface SigningKeys {
  /** The key that signs new tokens: the one whose file name sorts last. */
  active: SigningKey;
  /** Every key, active included: tokens signed by any of them still verify. */
  all: SigningKey[];
}

const KID = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Loads the EC P-256 private keys of a folder, one `<kid>.pem` each. Rotation: add a key whose
 * name sorts last (e.g. a date), which starts signing, and remove the old file only after the
 * access-token lifetime has passed, so nobody is logged out.
 */
export async function loadSigningKeys(folder: string): Promise<SigningKeys> {
  const files = (await readdir(folder)).filter((name) => name.endsWith(".pem")).sort();
  if (files.length === 0) throw new Error(`AUTH_SIGNING_KEYS_DIR: no <kid>.pem file in ${folder}`);
  const all = await Promise.all(
    files.map(async (file): Promise<SigningKey> => {
      const kid = basename(file, ".pem");
      if (!KID.test(kid)) throw new Error(`AUTH_SIGNING_KEYS_DIR: ${file} is not a valid key id`);
      const privateKey = createPrivateKey(await readFile(join(folder, file)));
      if (
        privateKey.asymmetricKeyType !== "ec" ||
        privateKey.asymmetricKeyDetails?.namedCurve !== "prime256v1"
      ) {
        throw new Error(`AUTH_SIGNING_KEYS_DIR: ${file} is not an EC P-256 private key`);
      }
      const { kty, crv, x, y } = createPublicKey(privateKey).export({ format: "jwk" });
      return { kid, privateKey, jwk: { kid, kty: kty!, crv: crv!, x: x!, y: y!, alg: "ES256", use: "sig" } };
    }),
  );
  return { active: all[all.length - 1]!, all };
}
