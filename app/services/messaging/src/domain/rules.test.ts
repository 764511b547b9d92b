import { groupTitle, idempotencyKey, messageBody, pageSize, preview, userIdList } from "./rules";

const invalid = (message: string) => expect.objectContaining({ kind: "invalid_argument", message });

describe("messaging rules", () => {
  it("when a body is 4000 code points of any kind, then it is accepted unchanged", () => {
    for (const body of ["x".repeat(4000), "😀".repeat(4000), "👩🏽‍💻".repeat(800), "  padded  "]) {
      expect(messageBody(body)).toBe(body);
    }
  });

  it.each([
    ["too long", "😀".repeat(4001), "body must be 1 to 4000 characters."],
    ["empty", "", "body must be 1 to 4000 characters."],
    ["white space only", "\u2003\n\t \u00a0", "body must not be only white space."],
    ["holding a NUL", "a\u0000", "body must not contain NUL characters."],
    ["holding a lone high surrogate", "a\ud83d", "body must be valid Unicode text."],
    ["holding a lone low surrogate", "\ude00b", "body must be valid Unicode text."],
  ])("when a body is %s, then it is refused", (_case, body, message) => {
    expect(() => messageBody(body)).toThrow(invalid(message));
  });

  it("when a title has spaces around it, then it is kept trimmed; 100 emoji fit, 101 do not, spaces count", () => {
    const refused = invalid("title must be 1 to 100 characters, not only white space.");
    expect(groupTitle("  Book club \n")).toBe("Book club");
    expect(groupTitle("📚".repeat(100))).toBe("📚".repeat(100));
    expect(() => groupTitle("📚".repeat(101))).toThrow(refused);
    expect(() => groupTitle(` ${"📚".repeat(100)}`)).toThrow(refused);
    expect(() => groupTitle("   ")).toThrow(refused);
  });

  it("when an idempotency key is printable ASCII of 1 to 128, then it is accepted; otherwise refused", () => {
    expect(idempotencyKey("!~azAZ09-_.:")).toBe("!~azAZ09-_.:");
    expect(idempotencyKey("k".repeat(128))).toBe("k".repeat(128));
    for (const key of ["", "k".repeat(129), "a b", "tab\t", "é", "\u007f"]) {
      expect(() => idempotencyKey(key)).toThrow(
        invalid("idempotency_key must be 1 to 128 printable ASCII characters."),
      );
    }
  });

  it("when a page size is 0, then it means 50; 1 to 100 stay; anything else is refused", () => {
    expect(pageSize(0, "limit")).toBe(50);
    expect(pageSize(1, "limit")).toBe(1);
    expect(pageSize(100, "limit")).toBe(100);
    for (const size of [-1, 101, 1.5])
      expect(() => pageSize(size, "limit")).toThrow(invalid("limit must be 1 to 100 (0 means 50)."));
  });

  it("when a preview is cut, then it is 100 code points and never splits an emoji", () => {
    expect(preview(`${"🙂".repeat(99)}abc`)).toBe(`${"🙂".repeat(99)}a`);
    expect(preview("short")).toBe("short");
  });

  it("when user ids repeat or include the ignored one, then they are dropped before counting", () => {
    const a = "00000000-0000-4000-8000-00000000000a";
    const b = "00000000-0000-4000-8000-00000000000b";
    expect(userIdList([b, a, b, a], "ids", { min: 1, max: 1, ignored: a })).toEqual([b]);
    expect(() => userIdList([a, "B"], "ids", { min: 0, max: 5 })).toThrow(
      invalid("ids must hold UUIDs in lowercase."),
    );
    expect(() => userIdList([a.toUpperCase()], "ids", { min: 0, max: 5 })).toThrow(
      invalid("ids must hold UUIDs in lowercase."),
    );
    expect(() => userIdList([a], "ids", { min: 1, max: 5, ignored: a })).toThrow(
      invalid("ids must hold 1 to 5 user ids besides the caller."),
    );
  });
});
