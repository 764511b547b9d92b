const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** When the `index`th of a fixed-rate stream of arrivals is due, in ms after the start. */
export const arrivalOffset = (index: number, perSecond: number): number => (index * 1000) / perSecond;

/** How many arrivals a fixed rate makes in a window (the first at offset 0). */
export const arrivalCount = (perSecond: number, durationMs: number): number =>
  Math.max(1, Math.ceil((perSecond * durationMs) / 1000));

/**
 * Open-loop arrivals: calls `fire(scheduledAt)` at a fixed rate whatever earlier calls are doing,
 * so a slow answer cannot delay the next send and hide its own latency. `scheduledAt` is the
 * `performance.now()` the arrival was due; if the event loop fell behind, due arrivals are fired
 * at once (late, but measured from when they were due). Resolves when every call has settled.
 */
export async function runOpenLoop(
  perSecond: number,
  durationMs: number,
  fire: (scheduledAt: number) => Promise<void>,
): Promise<void> {
  const total = arrivalCount(perSecond, durationMs);
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  let next = 0;
  while (next < total) {
    const now = performance.now();
    while (next < total && start + arrivalOffset(next, perSecond) <= now) {
      inFlight.push(fire(start + arrivalOffset(next, perSecond)));
      next += 1;
    }
    if (next < total) await sleep(Math.max(0, start + arrivalOffset(next, perSecond) - performance.now()));
  }
  await Promise.all(inFlight);
}

/** Closed loop: `workers` callers repeat `call` back to back until the time is up. */
export async function runClosedLoop(
  workers: number,
  durationMs: number,
  call: () => Promise<void>,
): Promise<void> {
  const end = performance.now() + durationMs;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < end) await call();
    }),
  );
}
