/** What `until` looks at: a value (or a promise of one); `undefined` and `false` mean "not yet". */
export type Look<T> = () => Promise<T | undefined | false> | T | undefined | false;

/**
 * A waiter that looks every `everyMs` until `look` finds something, and fails naming `what` after
 * `timeoutMs` (the default of each call; a call may pass its own). Polls instead of sleeping a fixed
 * time, so a test waits only as long as a loaded machine needs.
 */
export function untilWithin(timeoutMs: number, everyMs = 50) {
  return async function until<T>(what: string, look: Look<T>, within = timeoutMs): Promise<T> {
    const deadline = Date.now() + within;
    for (;;) {
      const found = await look();
      if (found !== undefined && found !== false) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  };
}
