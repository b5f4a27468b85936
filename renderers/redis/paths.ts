/** Where the Redis step puts things on the guest. */
export const REDIS_CONF_DIR = "/etc/redis/parity";
/** Written by the script from the secret (0640 root:redis); never part of the bundle. */
export const REDIS_AUTH_FILE = `${REDIS_CONF_DIR}/auth.conf`;
export const REDIS_UNIT_FILE = "/etc/systemd/system/parity-redis@.service";
export const redisConfPath = (port: number): string => `${REDIS_CONF_DIR}/${port}.conf`;
export const redisTunablesPath = (port: number): string => `${REDIS_CONF_DIR}/${port}.tunables.conf`;
export const redisInstance = (port: number): string => `parity-redis@${port}.service`;
