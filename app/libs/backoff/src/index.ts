export interface Backoff {
  /** The ceiling of the first retry's delay, doubled for each retry after it. */
  baseMs: number;
  /** No delay is ever longer than this. */
  maxMs: number;
}

/**
 * How long to wait before retry number `attempt` (0 for the first): exponential backoff with full
 * jitter, a uniformly random delay between 0 and min(maxMs, baseMs · 2^attempt). Spreading the
 * retries of many clients over the whole window keeps them from reconnecting in step after an
 * outage (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}
