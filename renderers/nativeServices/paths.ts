/** Where the native services step puts things, per project (default `stock-analysis`). */
export interface NativePaths {
  readonly etcDir: string;
  readonly optDir: string;
  readonly libDir: string;
  readonly healthModule: string;
  readonly healthCommand: string;
  readonly healthConfig: string;
  /** Small check every app unit runs first (ExecStartPre). */
  readonly requireApp: string;
  readonly unitName: (service: string) => string;
  readonly unitFile: (service: string) => string;
  /** Rendered, non-secret variables (0600 anyway: the seed asks for it). */
  readonly envFile: (service: string) => string;
  /** Written by the script from secrets (0600 root); never in the bundle. */
  readonly secretsFile: (service: string) => string;
  readonly venv: (service: string) => string;
  readonly codeDir: (service: string) => string;
}

export function nativePaths(project: string): NativePaths {
  const etcDir = `/etc/${project}`;
  const optDir = `/opt/${project}`;
  return {
    etcDir,
    optDir,
    libDir: `${optDir}/lib`,
    healthModule: `${optDir}/lib/parity_health.py`,
    healthCommand: `${optDir}/bin/parity-health`,
    healthConfig: `${etcDir}/health.json`,
    requireApp: `${optDir}/bin/parity-require-app`,
    unitName: (s) => `${project}-${s}.service`,
    unitFile: (s) => `/etc/systemd/system/${project}-${s}.service`,
    envFile: (s) => `${etcDir}/${s}.env`,
    secretsFile: (s) => `${etcDir}/${s}.secrets.env`,
    venv: (s) => `${optDir}/venvs/${s}`,
    codeDir: (s) => `${optDir}/services/${s}`,
  };
}
