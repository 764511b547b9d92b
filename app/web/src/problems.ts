import { ApiError, type Problem } from "@parley/api-client";

const fieldLabels: Record<string, string> = {
  body: "The message",
  username: "The username",
  password: "The password",
  title: "The group name",
};

/**
 * A failed call in plain words: each invalid field of a 400 by its label ("The message must be 1 to
 * 4000 characters."), or the problem document's detail ("No user with that username.").
 */
export function problemText(problem: Problem | undefined, status?: number): string {
  if (!problem) {
    return status === undefined
      ? "Parley cannot be reached. Check your connection and try again."
      : `Something went wrong (HTTP ${status}). Try again.`;
  }
  if (problem.errors?.length) {
    return problem.errors
      .map(({ pointer, detail }) => {
        const field = pointer.split("/").pop() ?? "";
        return `${fieldLabels[field] ?? `The field “${field}”`} ${detail}.`;
      })
      .join(" ");
  }
  return problem.detail;
}

/** The words for whatever a call threw: an ApiError's problem, or a lost connection. */
export function errorText(error: unknown): string {
  return error instanceof ApiError ? problemText(error.problem, error.status) : problemText(undefined);
}

/** The data of an openapi-fetch answer, or an ApiError carrying its problem document. */
export function dataOf<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (!result.response.ok) throw new ApiError(result.response.status, result.error as Problem | undefined);
  return result.data as T;
}
