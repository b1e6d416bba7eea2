/**
 * Waits for a condition that depends on a real outside process (a Redis reconnecting, a port closing), checking
 * every 25 ms up to `timeoutMs`. Not a sleep: it returns as soon as the condition holds.
 */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
