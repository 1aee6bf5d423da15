/**
 * Resolves once `condition` holds. If it still does not after `limitMs`, rejects with `explain()`:
 * the limit is far above what the wait needs on a busy machine, and only turns a hang into a failure
 * that says what was missing (rather than a bare test timeout). It asserts nothing about speed.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, explain: () => string, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`still waiting after ${limitMs / 1000} s: ${explain()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
