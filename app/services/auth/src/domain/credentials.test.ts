import { checkNewPassword, normalizeUsername } from "./credentials";

describe("credentials rules", () => {
  it("when a username has capitals, then its canonical form is lowercase", () => {
    expect(normalizeUsername("Ada.Lovelace_1")).toBe("ada.lovelace_1");
  });

  // The Kelvin sign lowercases to an ASCII "k": it must be refused before lowercasing.
  it.each(["ab", "a".repeat(33), "has space", "emoji😀", " ada", "ada\n", "semi;colon", "", "\u212Aelvin"])(
    "when the username is %j, then it is refused",
    (username) => {
      expect(() => normalizeUsername(username)).toThrow(
        expect.objectContaining({ kind: "invalid_argument" }),
      );
    },
  );

  it("when a password is 8 to 128 code points, then it is accepted, emoji counting as one each", () => {
    expect(() => checkNewPassword("12345678")).not.toThrow();
    expect(() => checkNewPassword("😀".repeat(8))).not.toThrow();
    expect(() => checkNewPassword("x".repeat(128))).not.toThrow();
  });

  it("when a password is too short or too long, then it is refused", () => {
    expect(() => checkNewPassword("1234567")).toThrow("password must be 8 to 128 characters.");
    expect(() => checkNewPassword("x".repeat(129))).toThrow("password must be 8 to 128 characters.");
  });
});
