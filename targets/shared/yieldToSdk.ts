/**
 * Resolves on the event loop's next turn: a deploy awaits it between hosts and between services.
 *
 * Each resource the SDK registers starts a chain of promises (one Output per property the
 * provider's class declares, their resolvers, the serialization of its inputs) that lives until
 * its registration is sent and answered. A program that creates every resource in one
 * synchronous pass holds all of those chains at once, so the garbage collector copies them again
 * and again as survivors. Letting the SDK run between batches retires the chains of the batch
 * before the next is created: on the offline engine a 100-worker plan needs about a third less
 * memory and a quarter less CPU (README, "Performance").
 *
 * It never waits for the engine: setImmediate runs after the queued promise callbacks, not
 * after any reply, so under the Pulumi CLI registrations still overlap as before, and the
 * resources, their inputs and their order of registration are the same.
 */
export function yieldToSdk(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
