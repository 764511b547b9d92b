/**
 * Polls until `check` returns true or time runs out; returns whether it did. The one way tests wait:
 * on a condition, never for a fixed time.
 */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
