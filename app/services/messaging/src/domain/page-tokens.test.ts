import {
  conversationPagePosition,
  conversationPageToken,
  messageCursor,
  messageCursorSeq,
} from "./page-tokens";

describe("page tokens", () => {
  const position = { activityUs: "1764072000123456", id: "0f1e2d3c-4b5a-4968-8776-655443322110" };

  it("when a cursor or token we issued comes back, then it reads as the same position", () => {
    expect(messageCursorSeq(messageCursor("42"))).toBe("42");
    expect(conversationPagePosition(conversationPageToken(position))).toEqual(position);
    expect(messageCursorSeq("")).toBeUndefined();
    expect(conversationPagePosition("")).toBeUndefined();
  });

  it.each([
    "%%%",
    "bTo0Mg==", // padded spelling of a valid cursor
    Buffer.from("m:0").toString("base64url"),
    Buffer.from("m:-1").toString("base64url"),
    Buffer.from("m:1234567890123456789").toString("base64url"),
    Buffer.from(" m:4").toString("base64url"),
    conversationPageToken(position),
  ])("when the message cursor is %j, then it is refused", (cursor) => {
    expect(() => messageCursorSeq(cursor)).toThrow(
      expect.objectContaining({
        kind: "invalid_argument",
        message: "before is not a cursor from a previous page.",
      }),
    );
  });

  it("when a conversation token is malformed, then it is refused", () => {
    for (const token of [
      messageCursor("3"),
      Buffer.from("c:1:not-a-uuid").toString("base64url"),
      "x".repeat(300),
    ]) {
      expect(() => conversationPagePosition(token)).toThrow(
        expect.objectContaining({ kind: "invalid_argument" }),
      );
    }
  });
});
