/**
 * The Checkov and Trivy checks a module's resources opt out of, read from the comments those
 * scanners honour: `#checkov:skip=<ID>:<reason>` inside the block, and `#trivy:ignore:<ID>` in the
 * comments right above it (Trivy's syntax has no reason field, so the other lines of that comment
 * give it). The parsed HCL has no comments, hence this pass over the source.
 */
export interface ScannerSkip {
  check: string;
  /** Why the check does not apply; empty when the comment gives none. */
  reason: string;
}

/** Skips by resource address (`aws_kms_key.this`, `data.aws_iam_policy_document.this`). */
export type ScannerSkips = Map<string, ScannerSkip[]>;

const blockHeader = /^(resource|data) "([^"]+)" "([^"]+)" \{/;
const checkovSkip = /^\s*#\s*checkov:skip=([A-Za-z0-9_]+)(?::(.*))?$/;
const trivyIgnore = /^\s*#\s*trivy:ignore:([A-Za-z0-9-]+)\s*$/;
const comment = /^\s*(#|\/\/)\s?(.*)$/;

export function scannerSkips(...sources: string[]): ScannerSkips {
  const skips: ScannerSkips = new Map();
  const add = (address: string, skip: ScannerSkip) =>
    skips.set(address, [...(skips.get(address) ?? []), skip]);

  for (const source of sources) {
    let address: string | undefined;
    let leadingComments: string[] = [];
    for (const line of source.split("\n")) {
      const header = blockHeader.exec(line);
      if (header) {
        address = header[1] === "data" ? `data.${header[2]}.${header[3]}` : `${header[2]}.${header[3]}`;
        const reason = leadingComments
          .filter((text) => !trivyIgnore.test(text))
          .map((text) => comment.exec(text)?.[2]?.trim() ?? "")
          .join(" ")
          .trim();
        for (const text of leadingComments) {
          const ignored = trivyIgnore.exec(text);
          if (ignored) add(address, { check: ignored[1]!, reason });
        }
        leadingComments = [];
        continue;
      }
      if (line.startsWith("}")) address = undefined;
      const skipped = address ? checkovSkip.exec(line) : null;
      if (skipped && address) add(address, { check: skipped[1]!, reason: (skipped[2] ?? "").trim() });
      leadingComments = !address && comment.test(line) ? [...leadingComments, line] : [];
    }
  }
  return skips;
}

/** The reason `address` gives for skipping `check`, or undefined when it does not skip it. */
export function skipReason(skips: ScannerSkips, address: string, check: string): string | undefined {
  return skips.get(address)?.find((skip) => skip.check === check)?.reason;
}
