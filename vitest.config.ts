// Tests run in parallel files (each isolates its data: temp SQLite files, Redis key prefixes,
// its own redis-server and ports). The Remix Vite plugin is deliberately not loaded here.

import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["{app,worker,shared,tests,bench}/**/*.test.{ts,tsx}"],
    exclude: ["**/node_modules/**", "build/**", ".second-dev/**"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores on CI: a few forks keep both busy without starving spawned servers.
    pool: "forks",
    maxWorkers: 3,
  },
})
