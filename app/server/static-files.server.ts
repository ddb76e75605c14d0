// Serves the browser build (build/client). Fingerprinted /assets/* are cached forever; anything
// outside the client directory is unreachable whatever the path says.

import { createReadStream } from "node:fs"
import { stat } from "node:fs/promises"
import type { IncomingMessage, ServerResponse } from "node:http"
import { extname, resolve, sep } from "node:path"

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
}

/**
 * Files a browser or crawler asks for on its own: at the top level (favicon.ico, robots.txt,
 * apple-touch-icon.png, sitemap.xml) or under /assets/ (a chunk of an older build, a source map).
 * Deeper paths are left to the routes, which may one day serve files of their own (an app's
 * preview); `.data` (Remix single fetch) is not among the extensions.
 */
const STATIC_FILE_PATH = /^\/(?:assets\/.+|[^/]+)\.(?:ico|png|jpe?g|gif|svg|webp|avif|txt|xml|js|mjs|css|map|json|woff2?|ttf|webmanifest)$/i

/**
 * Whether a GET or HEAD asks for a file rather than a page. Such a request that serveStaticFile
 * did not answer is a plain 404: rendering the 404 page for it would log a refusal (and React
 * Router's "No routes matched" warning) for every favicon probe, and send a page with scripts
 * where an image was expected.
 */
export function asksForStaticFile(method: string | undefined, pathname: string): boolean {
  return (method === "GET" || method === "HEAD") && STATIC_FILE_PATH.test(pathname)
}

/** Serves the file if the request names one in `clientDir`; returns false to fall through. */
export async function serveStaticFile(req: IncomingMessage, res: ServerResponse, clientDir: string): Promise<boolean> {
  if (req.method !== "GET" && req.method !== "HEAD") return false
  let pathname: string
  try {
    pathname = decodeURIComponent(new URL(req.url ?? "/", "http://static").pathname)
  } catch {
    return false
  }
  if (pathname.includes("\0") || pathname.endsWith("/")) return false
  const root = resolve(clientDir)
  const file = resolve(root, `.${pathname}`)
  if (!file.startsWith(root + sep)) return false
  const info = await stat(file).catch(() => null)
  if (!info?.isFile()) return false

  res.statusCode = 200
  res.setHeader("content-type", CONTENT_TYPES[extname(file)] ?? "application/octet-stream")
  res.setHeader("content-length", info.size)
  res.setHeader(
    "cache-control",
    pathname.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "public, max-age=3600",
  )
  if (req.method === "HEAD") {
    res.end()
    return true
  }
  await new Promise<void>((done, fail) => {
    createReadStream(file).once("error", fail).pipe(res).once("finish", done).once("close", done)
  })
  return true
}
