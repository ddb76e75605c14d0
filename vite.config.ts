// Two builds share this file:
// - the default mode builds the Remix app (build/client, build/server) with options from remix.config.ts;
// - `--mode node-entries` bundles the Node entry points (web, worker, embedded) into build/node,
//   leaving node_modules external, so production runs plain JavaScript.

import { vitePlugin as remix } from "@remix-run/dev"
import tailwindcss from "@tailwindcss/vite"
import { defineConfig, type UserConfig } from "vite"
import { remixConfig } from "./remix.config.ts"

const nodeEntries: UserConfig = {
  build: {
    ssr: true,
    target: "node20",
    outDir: "build/node",
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      input: {
        web: "app/server/web.ts",
        worker: "worker/src/start.ts",
        embedded: "app/server/embedded.ts",
        "rotate-secrets": "scripts/rotate-secrets.ts",
        doctor: "scripts/doctor.ts",
      },
      output: { format: "esm", entryFileNames: "[name].js" },
    },
  },
}

export default defineConfig(({ mode }) => (mode === "node-entries" ? nodeEntries : { plugins: [tailwindcss(), remix(remixConfig)] }))
