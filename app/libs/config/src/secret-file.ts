import { readFile } from "node:fs/promises";

/**
 * A password kept in a file, read on every call: connections opened after the file changed use the
 * new value (Kubernetes updates a mounted Secret in place). Without a file, the fallback (the
 * password in the URL, if any).
 */
export function secretFile(path: string | undefined, fallback?: string): () => Promise<string> {
  if (!path) return async () => fallback ?? "";
  return async () => {
    const text = (await readFile(path, "utf8")).replace(/\r?\n$/, "");
    if (!text) throw new Error(`the secret file ${path} is empty`);
    return text;
  };
}
