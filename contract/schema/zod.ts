import { z } from "zod";

/**
 * The contract's one zod, configured before any schema parses. `jitless`: zod compiles a
 * parser with `new Function` for each object schema on its first parse, which pays off only
 * over many parses of the same schema; a stack config is parsed once or twice per process, so
 * the compilation was most of the first validation (homelab: 47-73 ms jit, 19-38 ms jitless;
 * later parses equal). Results are the same either way.
 */
z.config({ jitless: true });

export { z };
