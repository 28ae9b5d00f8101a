/**
 * Calls per token: a token bucket per token and web process, refilled at
 * `perMinute` a minute and holding at most a minute's worth, so a pipeline may
 * burst but not sustain more. In memory on purpose: a database write per call
 * would cost more than most calls; with N web processes a token gets N buckets.
 */
type Bucket = { tokens: number; at: number };

const buckets = new Map<string, Bucket>();
/** Past this many tokens seen, full buckets (idle tokens) are dropped. */
const MAX_BUCKETS = 10_000;

/** Takes one call from the token's bucket; false when it is empty (answer 429). */
export function takeTokenCall(key: string, perMinute: number, now = Date.now()): boolean {
  const bucket = buckets.get(key) ?? { tokens: perMinute, at: now };
  bucket.tokens = Math.min(perMinute, bucket.tokens + ((now - bucket.at) * perMinute) / 60_000);
  bucket.at = now;
  if (!buckets.has(key)) {
    if (buckets.size >= MAX_BUCKETS) prune(now, perMinute);
    buckets.set(key, bucket);
  }
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

function prune(now: number, perMinute: number): void {
  for (const [key, b] of buckets) {
    if (b.tokens + ((now - b.at) * perMinute) / 60_000 >= perMinute) buckets.delete(key);
  }
}
