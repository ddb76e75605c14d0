// What a browser downloads to first show a page: the JavaScript the Remix build's manifest lists
// for the entry and each route of the page's chain (deduplicated), each file gzipped as a server
// would send it. Read from build/client, so `npm run build` must have run.

import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { gzipSync } from "node:zlib"

interface ManifestEntry {
  readonly module: string
  readonly imports?: readonly string[]
  readonly css?: readonly string[]
}
interface RemixManifest {
  readonly entry: ManifestEntry
  readonly routes: Readonly<Record<string, ManifestEntry>>
}

function readManifest(clientDir: string): RemixManifest {
  const assets = join(clientDir, "assets")
  const file = readdirSync(assets).find((name) => /^manifest-[\w-]+\.js$/.test(name))
  if (!file) throw new Error(`no Remix manifest in ${assets}: run npm run build first`)
  const text = readFileSync(join(assets, file), "utf8")
  return JSON.parse(text.slice(text.indexOf("=") + 1).replace(/;\s*$/, "")) as RemixManifest
}

export interface FirstLoad {
  readonly jsFiles: number
  readonly jsGzipBytes: number
  readonly cssGzipBytes: number
}

/** The gzipped JS and CSS the page made of these route ids (root first) loads before it is interactive. */
export function firstLoadOf(routeIds: readonly string[], clientDir = "build/client"): FirstLoad {
  const manifest = readManifest(clientDir)
  const js = new Set<string>()
  const css = new Set<string>()
  const add = (entry: ManifestEntry) => {
    js.add(entry.module)
    for (const file of entry.imports ?? []) js.add(file)
    for (const file of entry.css ?? []) css.add(file)
  }
  add(manifest.entry)
  // The design system's one stylesheet is linked by the root route (`links`), not listed in the manifest.
  for (const name of readdirSync(join(clientDir, "assets"))) if (/^styles-[\w-]+\.css$/.test(name)) css.add(`/assets/${name}`)
  for (const id of routeIds) {
    const route = manifest.routes[id]
    if (!route) throw new Error(`route ${id} is not in the build`)
    add(route)
  }
  const gzipped = (files: Set<string>) => [...files].reduce((sum, file) => sum + gzipSync(readFileSync(join(clientDir, file))).length, 0)
  return { jsFiles: js.size, jsGzipBytes: gzipped(js), cssGzipBytes: gzipped(css) }
}

/** Gzipped bytes of the build's chunks whose file name starts with `prefix` (a lazily loaded chunk). */
export function lazyChunkBytes(prefix: string, clientDir = "build/client"): number {
  const assets = join(clientDir, "assets")
  return readdirSync(assets)
    .filter((name) => name.startsWith(`${prefix}-`) && name.endsWith(".js"))
    .reduce((sum, name) => sum + gzipSync(readFileSync(join(assets, name))).length, 0)
}

/** The builder page: an app's chat with its preview. */
export const BUILDER_PAGE_ROUTES = ["root", "routes/w.$workspaceId", "routes/w.$workspaceId.apps.$appId", "routes/w.$workspaceId.apps.$appId._index"] as const
