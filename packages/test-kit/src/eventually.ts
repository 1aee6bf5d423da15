/** Resolves once `condition` holds, re-checking as the event loop turns; the test's own timeout bounds the wait. */
export async function eventually(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((r) => setTimeout(r, 20));
}
