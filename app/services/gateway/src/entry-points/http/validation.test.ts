import { z } from "zod";
import { ValidationError, parsePart } from "./validation";

const schema = z.strictObject({
  name: z.string().min(1),
  tags: z.array(z.string()).max(2),
  "a/b": z.number().optional(),
});

function errorsOf(value: unknown) {
  try {
    parsePart("body", schema, value);
  } catch (error) {
    if (error instanceof ValidationError) return error.errors;
  }
  throw new Error("expected a ValidationError");
}

describe("request validation", () => {
  it("when the input is valid, then the parsed value comes back", () => {
    expect(parsePart("body", schema, { name: "x", tags: [] })).toEqual({ name: "x", tags: [] });
  });

  it("when fields are missing, mistyped or unknown, then each gets a JSON pointer", () => {
    expect(
      errorsOf({ tags: ["a", 1], extra: true, "a/b": "no" })
        .map((e) => e.pointer)
        .sort(),
    ).toEqual(["#/body/a~1b", "#/body/extra", "#/body/name", "#/body/tags/1"]);
  });

  it("when an array is too long, then the pointer names the array", () => {
    expect(errorsOf({ name: "x", tags: ["a", "b", "c"] })).toEqual([
      { pointer: "#/body/tags", detail: expect.any(String) },
    ]);
  });

  it("when the input is not an object at all, then the pointer is the whole body", () => {
    expect(errorsOf(null)).toEqual([{ pointer: "#/body", detail: expect.any(String) }]);
  });

  it("when a ValidationError is made, then it is an invalid_argument AppError", () => {
    expect(new ValidationError([{ pointer: "#/body/x", detail: "bad" }])).toMatchObject({
      kind: "invalid_argument",
    });
  });
});
