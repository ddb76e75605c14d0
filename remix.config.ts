// Remix options as a typed export. The Vite plugin ignores remix.config.* files, so
// vite.config.ts imports this and passes it to vitePlugin() (see docs/decisions/002).

import type { VitePluginConfig } from "@remix-run/dev"

export const remixConfig = {
  appDirectory: "app",
  buildDirectory: "build",
  serverModuleFormat: "esm",
  // Tests live beside the modules they test, and must never become routes.
  ignoredRouteFiles: ["**/*.test.ts", "**/*.test.tsx", "**/.*"],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_singleFetch: true,
    v3_lazyRouteDiscovery: true,
  },
} satisfies VitePluginConfig
