/**
 * `shared_buffers` in MB: the stack's `sharedBuffersMb`, else stock-analysis's 25% rule (a quarter of
 * the guest's memory, rounded down). The one place this default lives: the memory checks and the
 * model both use it.
 */
export function pgSharedBuffersMb(pg: { readonly sharedBuffersMb?: number | undefined }, memoryMb: number): number {
  return pg.sharedBuffersMb ?? Math.floor(memoryMb / 4);
}
