/**
 * Runs tasks one at a time per key (one chat's updates in order) and concurrently across keys.
 * Idle keys are forgotten, so memory follows the number of busy chats, not of all users.
 */
export function createKeyedLock() {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = previous.then(task, task);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    /** Resolves when every queued task has finished. */
    async idle(): Promise<void> {
      while (tails.size > 0) await Promise.all([...tails.values()]);
    },
    get busyKeys() {
      return tails.size;
    },
  };
}
export type KeyedLock = ReturnType<typeof createKeyedLock>;
