/** Where the PostgreSQL step puts things on the guest, per major version and cluster. */
export interface PgPaths {
  /** Debian's per-cluster config directory, e.g. `/etc/postgresql/15/main`. */
  readonly confDir: string;
  /** Our drop-in; Debian's postgresql.conf ends with `include_dir = 'conf.d'`, so it wins. */
  readonly confDropIn: string;
  /**
   * Our `pg_hba.conf`, referenced by `hba_file`. Not Debian's `pg_hba.conf` path: the entrypoint
   * installs files before the package exists, and `pg_createcluster` refuses to create a cluster
   * whose `pg_hba.conf` is already there.
   */
  readonly hba: string;
  /** SQL for roles and databases (no passwords), run before migrations. */
  readonly rolesSql: string;
  /** SQL for grants, run after migrations so it can name migrated objects. */
  readonly accessSql: string;
  /** Directory of migration files, one subdirectory per database. */
  readonly migrationsDir: string;
  /** Debian's systemd unit for the cluster. */
  readonly unit: string;
}

export function pgPaths(version: number, cluster: string): PgPaths {
  const confDir = `/etc/postgresql/${version}/${cluster}`;
  const parityDir = `/etc/parity/postgresql/${version}-${cluster}`;
  return {
    confDir,
    confDropIn: `${confDir}/conf.d/50-parity.conf`,
    hba: `${confDir}/parity_hba.conf`,
    rolesSql: `${parityDir}/10-roles-databases.sql`,
    accessSql: `${parityDir}/30-access.sql`,
    migrationsDir: `${parityDir}/migrations`,
    unit: `postgresql@${version}-${cluster}.service`,
  };
}
