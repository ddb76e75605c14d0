// The app's build. Second serves the preview under a token path, so every URL in the output is
// relative; node_modules is shared and read-only, so Vite's cache lives in a dot-directory of the
// app's own (dot-directories are never saved with the app).
import tailwindcss from "@tailwindcss/vite"
import { defineConfig } from "vite"

export default defineConfig({
  base: "./",
  cacheDir: ".vite-cache",
  plugins: [tailwindcss()],
  build: { outDir: "dist", emptyOutDir: true },
})
