import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { codePointLength, isUuid, limits, patternOf } from "./limits";

const protoRoot = join(__dirname, "..", "..", "..", "..", "proto");

/** The comment lines right above each field of every proto file, by `package.Message.field`. */
function fieldComments(): Map<string, string> {
  const comments = new Map<string, string>();
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? files(join(dir, entry.name))
        : entry.name.endsWith(".proto")
          ? [join(dir, entry.name)]
          : [],
    );
  for (const file of files(protoRoot)) {
    let packageName = "";
    const messages: string[] = [];
    let comment: string[] = [];
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const text = line.trim();
      packageName = /^package ([\w.]+);/.exec(text)?.[1] ?? packageName;
      const message = /^message (\w+) \{(\})?/.exec(text);
      const field = /^(?:repeated\s+)?[\w.]+\s+(\w+)\s*=\s*\d+;/.exec(text);
      if (message && !message[2]) messages.push(message[1]!);
      else if (text.startsWith("}")) messages.pop();
      else if (field && messages.length > 0)
        comments.set(`${packageName}.${messages.join(".")}.${field[1]}`, comment.join(" "));
      comment = text.startsWith("//") ? [...comment, text.replace(/^\/\/\s?/, "")] : [];
    }
  }
  return comments;
}

describe("the rules a client can break", () => {
  const comments = fieldComments();
  const stated = Object.entries(limits).flatMap(([name, rule]) =>
    "protoFields" in rule
      ? rule.protoFields.map((field) => ({ name, field, statement: rule.statement }))
      : [],
  );

  it("are stated in the comment of every proto field that carries them", () => {
    expect(stated.length).toBeGreaterThan(15);
    const problems = stated
      .filter(({ field, statement }) => !comments.get(field)?.toLowerCase().includes(statement.toLowerCase()))
      .map(
        ({ name, field }) =>
          `${field} (${name}): ${comments.has(field) ? `"${comments.get(field)}"` : "no such field"}`,
      );
    expect(problems).toEqual([]);
  });

  it("give each text rule's bounds in words as they are in numbers", () => {
    for (const rule of [limits.password, limits.groupTitle, limits.messageBody, limits.username])
      expect(rule.statement).toMatch(new RegExp(`^${rule.min} to ${rule.max} `));
  });

  it("count lengths in code points and take UUIDs in lowercase only", () => {
    expect(codePointLength("👋".repeat(3))).toBe(3);
    expect(isUuid("0b0e6c1a-4f3e-4c1d-9a2b-3c4d5e6f7a8b")).toBe(true);
    expect(isUuid("0B0E6C1A-4F3E-4C1D-9A2B-3C4D5E6F7A8B")).toBe(false);
    expect(patternOf(limits.username).test("\u212Aelvin")).toBe(false);
    expect(patternOf(limits.idempotencyKey).test("a".repeat(128))).toBe(true);
    expect(patternOf(limits.idempotencyKey).test("a b")).toBe(false);
  });
});
