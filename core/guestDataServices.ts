/**
 * The data services Parity installs inside a guest, written once: the contract's `uses` list,
 * the native-service units' dependencies and the guest plan's step keys all derive from it, so
 * a new one (e.g. MinIO) is added here and in its own schema, model and renderer files.
 */
export const GUEST_DATA_SERVICES = ["postgresql", "redis", "rabbitmq"] as const;

export type DataService = (typeof GUEST_DATA_SERVICES)[number];
