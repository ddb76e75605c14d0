// GET /preview/<token>/<path>: a version's built app, authorized by the token alone (never the
// session cookie: the iframe that loads it is sandboxed without allow-same-origin, so its requests
// carry none, and its module scripts are CORS requests from an opaque origin). Every answer
// replaces the platform's headers with the preview's own: a Content-Security-Policy for the app
// (sandboxed even when opened outside the iframe, so it never runs with the platform's origin),
// framing by the platform's pages only, no referrer (the URL is a capability), no cookies.

import type { WebServices } from "../services.server.ts"
import { apps, appVersions, memberships, snapshots, users } from "../store/collections.server.ts"
import { canUseAppNow } from "./app-access.server.ts"
import { cachedDistFiles, distPathOf, findFile, type PreviewFile } from "./preview-files.server.ts"
import { previewKey, verifyPreviewToken, type PreviewGrant } from "./preview-token.server.ts"

/**
 * The app's policy, for a Vite build served from this origin: its module scripts, styles and
 * assets come from here ('self' is the URL's origin even in a sandboxed document); inline styles
 * are allowed because UI libraries set them at run time; data:/blob: images and data: fonts are
 * what bundlers inline. The app reaches nothing over the network (connect-src 'none'): its data
 * goes through the platform's postMessage bridge. `sandbox` without allow-same-origin gives the
 * document an opaque origin wherever it is opened, so even a top-level visit to a preview URL
 * cannot read or script the platform's pages. base-uri 'self' lets the one <base> this route adds
 * (below) point relative URLs at the app's top.
 */
export const PREVIEW_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "media-src 'self' data: blob:",
  "connect-src 'none'",
  "object-src 'none'",
  "frame-ancestors 'self'",
  "base-uri 'self'",
  "form-action 'none'",
  "sandbox allow-scripts allow-forms allow-modals allow-popups allow-popups-to-escape-sandbox allow-downloads",
].join("; ")

/** Set on every preview answer, over the platform's (app/server/security.server.ts), which the host sets first. */
export const PREVIEW_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": PREVIEW_CSP,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  // Older browsers that ignore frame-ancestors: the platform's own pages may frame a preview.
  "x-frame-options": "SAMEORIGIN",
}

/**
 * Files under dist/assets/ carry a content hash in their names (Vite's default). Private: a shared
 * cache would go on answering a capability URL after its token expired.
 */
const cacheControlFor = (file: PreviewFile) =>
  file.contentType.startsWith("text/html")
    ? "no-cache"
    : file.path.startsWith("assets/")
      ? "private, max-age=31536000, immutable"
      : "private, max-age=3600"

const notFound = () =>
  new Response("Not found.", { status: 404, headers: { ...PREVIEW_HEADERS, "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } })

const baseTag = (token: string) => `<base href="/preview/${token}/">`

/**
 * index.html served for a deeper path (a client-side route): its relative URLs (Vite's base "./")
 * would resolve against that path, so a <base> points them at the app's top, unless it has one.
 */
function withBase(html: Uint8Array, token: string): Uint8Array {
  const text = Buffer.from(html).toString("utf8")
  if (/<base[\s>]/i.test(text)) return html
  const head = /<head(\s[^>]*)?>/i.exec(text)
  const at = head ? head.index + head[0].length : 0
  return Buffer.from(`${text.slice(0, at)}${baseTag(token)}${text.slice(at)}`, "utf8")
}

function fileResponse(file: PreviewFile, body: Uint8Array): Response {
  // NOTE: Buffers are typed over ArrayBufferLike, which BodyInit does not accept; they are plain ArrayBuffers here.
  return new Response(body as Uint8Array<ArrayBuffer>, {
    status: 200,
    headers: {
      ...PREVIEW_HEADERS,
      "content-type": file.contentType,
      "content-length": String(body.byteLength),
      "cache-control": cacheControlFor(file),
      // Module scripts and stylesheets are CORS requests from the sandbox's opaque origin ("null");
      // the token in the URL is the whole authorization, so any origin may read what it names.
      "access-control-allow-origin": "*",
      "cross-origin-resource-policy": "cross-origin",
    },
  })
}

/**
 * A published app's URL works only while its release is the app's current one and its person may
 * still use the app (still a member, still in one of its teams): access taken away takes the URL
 * with it, not only the data behind the bridge.
 */
async function releaseStillTheirs(services: WebServices, grant: PreviewGrant): Promise<boolean> {
  const app = await services.store.collection(apps).findOne({ id: grant.appId, workspaceId: grant.workspaceId })
  if (!app || app.deleting || app.publishedReleaseId !== grant.releaseId || !grant.userId) return false
  const [user, membership] = await Promise.all([
    services.store.collection(users).findOne({ id: grant.userId }),
    services.store.collection(memberships).findOne({ workspaceId: grant.workspaceId, userId: grant.userId }),
  ])
  return Boolean(user && membership && (await canUseAppNow(services.store, app, { user, membership })))
}

/** The path segments after /preview/<token>; routes match case-insensitively, so counted, not compared. */
const restOf = (pathname: string) => pathname.split("/").slice(3)

export async function servePreview(services: WebServices, request: Request, token: string): Promise<Response> {
  const grant = verifyPreviewToken(previewKey(services.auth.sessionKey), token)
  if (!grant) return notFound()
  const url = new URL(request.url)
  const rest = restOf(url.pathname)
  // Relative URLs in index.html resolve against the directory: /preview/<token> must end in "/".
  if (rest.length === 0) {
    return new Response(null, { status: 308, headers: { ...PREVIEW_HEADERS, location: `/preview/${token}/${url.search}`, "cache-control": "no-store" } })
  }
  const path = distPathOf(rest)
  if (path === null) return notFound()
  // The version is looked up on every request, so a deleted app or version stops being served at once.
  const version = await services.store.collection(appVersions).findOne({ id: grant.versionId, appId: grant.appId, workspaceId: grant.workspaceId })
  if (!version) return notFound()
  if (grant.releaseId !== undefined && !(await releaseStillTheirs(services, grant))) return notFound()
  const files = await cachedDistFiles(services.store, version.snapshotId, () =>
    services.store.collection(snapshots).findOne({ id: version.snapshotId, appId: version.appId, workspaceId: version.workspaceId }),
  )
  const found = files ? findFile(files, path) : null
  if (!found) return notFound()
  // "/preview/<token>/orders" resolves "./assets/…" right; "/preview/<token>/orders/5" and "…/orders/" do not.
  const nested = found.fallback && rest.length > 1
  return fileResponse(found.file, nested ? withBase(found.file.body, token) : found.file.body)
}
