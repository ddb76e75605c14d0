// The built app of one version (its snapshot's dist/), as the preview route reads it: each file
// as bytes with its content type, found by the path a browser asks for. Snapshots never change,
// so the files of the few most recently previewed ones are kept in memory: a page load asks for
// index.html and a handful of assets, and each would otherwise read the whole snapshot again.

import type { DurableStore } from "../store/store.server.ts"
import type { SnapshotDocument } from "../store/collections.server.ts"

export interface PreviewFile {
  readonly path: string
  readonly body: Uint8Array
  readonly contentType: string
}

export type DistFiles = ReadonlyMap<string, PreviewFile>

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: "text/html; charset=utf-8",
  htm: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json; charset=utf-8",
  map: "application/json; charset=utf-8",
  webmanifest: "application/manifest+json; charset=utf-8",
  txt: "text/plain; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  xml: "application/xml; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  avif: "image/avif",
  ico: "image/x-icon",
  woff: "font/woff",
  woff2: "font/woff2",
  ttf: "font/ttf",
  otf: "font/otf",
  wasm: "application/wasm",
  mp3: "audio/mpeg",
  wav: "audio/wav",
  mp4: "video/mp4",
  webm: "video/webm",
  pdf: "application/pdf",
}

export const extensionOf = (path: string) => /\.([A-Za-z0-9]+)$/.exec(path.slice(path.lastIndexOf("/") + 1))?.[1]?.toLowerCase() ?? null

/** Unknown kinds are bytes to download, never something a browser would guess at (nosniff is sent too). */
export const contentTypeOf = (path: string) => CONTENT_TYPES[extensionOf(path) ?? ""] ?? "application/octet-stream"

const DIST = "dist/"

/** The snapshot's dist/ files by their path inside dist/. */
export function distFiles(snapshot: Pick<SnapshotDocument, "files" | "binaryFiles">): DistFiles {
  const files = new Map<string, PreviewFile>()
  const add = (path: string, body: Uint8Array) => {
    const inner = path.slice(DIST.length)
    files.set(inner, { path: inner, body, contentType: contentTypeOf(inner) })
  }
  for (const [path, text] of Object.entries(snapshot.files)) if (path.startsWith(DIST)) add(path, Buffer.from(text, "utf8"))
  for (const [path, base64] of Object.entries(snapshot.binaryFiles ?? {})) if (path.startsWith(DIST)) add(path, Buffer.from(base64, "base64"))
  return files
}

/** Bytes of built files kept per process; one app's build is at most 12 MiB. */
const CACHE_BYTES = 48 * 1024 * 1024

interface Cached {
  readonly files: DistFiles
  readonly bytes: number
}

// One cache per store, so tests with stores of their own never see each other's snapshots.
const caches = new WeakMap<DurableStore, Map<string, Cached>>()

/** Only for snapshots a live version names: the caller checks the version first, every request. */
export async function cachedDistFiles(store: DurableStore, snapshotId: string, load: () => Promise<SnapshotDocument | null>): Promise<DistFiles | null> {
  let cache = caches.get(store)
  if (!cache) caches.set(store, (cache = new Map()))
  const hit = cache.get(snapshotId)
  if (hit) {
    // Most recently used last: a Map iterates in insertion order.
    cache.delete(snapshotId)
    cache.set(snapshotId, hit)
    return hit.files
  }
  const snapshot = await load()
  if (!snapshot) return null
  const files = distFiles(snapshot)
  const bytes = [...files.values()].reduce((total, file) => total + file.body.byteLength, 0)
  cache.set(snapshotId, { files, bytes })
  let total = [...cache.values()].reduce((sum, entry) => sum + entry.bytes, 0)
  for (const [id, entry] of cache) {
    if (total <= CACHE_BYTES || id === snapshotId) break
    cache.delete(id)
    total -= entry.bytes
  }
  return files
}

/**
 * The file inside dist/ a request path (below /preview/<token>/) names, as decoded segments; null
 * for a path that could reach outside it or that no file could have (empty, dot or encoded-slash
 * segments). "" is the top.
 */
export function distPathOf(rest: readonly string[]): string | null {
  const segments = rest.at(-1) === "" ? rest.slice(0, -1) : rest
  const decoded: string[] = []
  for (const segment of segments) {
    let part: string
    try {
      part = decodeURIComponent(segment)
    } catch {
      return null
    }
    // Snapshots hold no dot-files, so a segment starting with "." is never a file: "..", ".env", "..%2f…".
    if (part === "" || part.startsWith(".") || /[/\\\0]/.test(part) || part.length > 255) return null
    decoded.push(part)
  }
  return decoded.join("/")
}

export type Found = { readonly file: PreviewFile; readonly fallback: boolean } | null

/**
 * The file for a dist path: the file itself, a directory's index.html, or — for a path without a
 * file extension, which a client-side router may have made — the app's index.html.
 */
export function findFile(files: DistFiles, path: string): Found {
  const exact = path === "" ? files.get("index.html") : (files.get(path) ?? files.get(`${path}/index.html`))
  if (exact) return { file: exact, fallback: false }
  if (extensionOf(path) !== null) return null
  const index = files.get("index.html")
  return index ? { file: index, fallback: true } : null
}
