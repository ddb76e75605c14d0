// Which changed files a reviewer need not read first: what every app gets from the platform's
// template (templates/react-app) — the SDK under src/lib/second/, the lock file, the TypeScript
// and Vite configuration, the HTML shell, the builder's notes — as opposed to the app's own code.

const PLATFORM_PATHS: readonly RegExp[] = [
  /^src\/lib\/second\//,
  /^src\/lib\/second-sdk\.ts$/,
  /^package(-lock)?\.json$/,
  /^tsconfig[^/]*\.json$/,
  /^vite\.config\.[^/]+$/,
  /^index\.html$/,
  /^AGENTS\.md$/,
  /^\.gitignore$/,
]

/** The file is the platform's scaffold or configuration rather than the app's own code. */
export const isPlatformFile = (path: string) => PLATFORM_PATHS.some((pattern) => pattern.test(path))

/** "1 line", "2 lines". */
export const lineCount = (count: number) => `${count} ${count === 1 ? "line" : "lines"}`
