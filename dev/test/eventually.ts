// Waiting in tests for something another process or connection does: the probe is asked again
// every few milliseconds (every `pollMs`) until it gives a truthy value, which is returned.
export async function eventually<T>(
  probe: () => T | Promise<T>,
  timeoutMs = 15_000,
  pollMs = 20,
): Promise<Exclude<T, false | null | undefined | 0 | ''>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as Exclude<T, false | null | undefined | 0 | ''>;
    if (Date.now() > deadline) throw new Error(`nothing came within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
