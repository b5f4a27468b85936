/**
 * Where the native services step puts things, per project (default `stock-analysis`).
 *
 * Application code: each source is an "app" in the Capistrano sense,
 * `/opt/<project>/<source>/releases/<ref>/` (`src/` the unpacked tree, `venvs/<service>` one
 * venv per service, `.parity-ready` once installed and checked) and
 * `/opt/<project>/<source>/current` → `releases/<ref>`, switched atomically.
 */
export interface NativePaths {
  readonly etcDir: string;
  readonly optDir: string;
  readonly libDir: string;
  readonly binDir: string;
  readonly healthModule: string;
  readonly healthCommand: string;
  readonly healthConfig: string;
  /** Wrapper every app unit starts through: resolves `current` once, enters the release and venv. */
  readonly exec: string;
  /** Readiness gate (ExecStartPost): polls the service's health check until healthy or timeout. */
  readonly waitHealthy: string;
  /** Root-only cache: git mirrors and downloaded archives, so a rebuild need not fetch again. */
  readonly cacheDir: string;
  readonly unitName: (service: string) => string;
  readonly unitFile: (service: string) => string;
  /** Rendered, non-secret variables (0600 anyway: systemd reads it as root, nobody else needs to). */
  readonly envFile: (service: string) => string;
  /** Written by the script from secrets (0600 root); never in the bundle. */
  readonly secretsFile: (service: string) => string;
  readonly sourceDir: (source: string) => string;
  readonly releasesDir: (source: string) => string;
  readonly currentLink: (source: string) => string;
}

export function nativePaths(project: string): NativePaths {
  const etcDir = `/etc/${project}`;
  const optDir = `/opt/${project}`;
  return {
    etcDir,
    optDir,
    libDir: `${optDir}/lib`,
    binDir: `${optDir}/bin`,
    healthModule: `${optDir}/lib/parity_health.py`,
    healthCommand: `${optDir}/bin/parity-health`,
    healthConfig: `${etcDir}/health.json`,
    exec: `${optDir}/bin/parity-exec`,
    waitHealthy: `${optDir}/bin/parity-wait-healthy`,
    cacheDir: `/var/cache/parity/${project}`,
    unitName: (s) => `${project}-${s}.service`,
    unitFile: (s) => `/etc/systemd/system/${project}-${s}.service`,
    envFile: (s) => `${etcDir}/${s}.env`,
    secretsFile: (s) => `${etcDir}/${s}.secrets.env`,
    sourceDir: (src) => `${optDir}/${src}`,
    releasesDir: (src) => `${optDir}/${src}/releases`,
    currentLink: (src) => `${optDir}/${src}/current`,
  };
}
