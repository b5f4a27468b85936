import { deferSdkClosure } from "./sdkClosure";

/**
 * Imported first by every entry point that loads the SDK (main.js requires its bundle first):
 * the SDK's function-serialization modules load only if something calls them (sdkClosure.ts).
 */
deferSdkClosure();
