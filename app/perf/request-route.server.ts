// The name a perf trace line gives a request: the Remix route id that answers it, or the tRPC
// procedure paths of a call. Never the path itself, which carries app ids, preview tokens and
// invitation codes.

import { matchRoutes, type AgnosticRouteObject } from "@remix-run/router"
import type { ServerBuild } from "@remix-run/node"
import { asksForStaticFile } from "../server/static-files.server.ts"

const TRPC_PREFIX = "/api/trpc/"
/**
 * Our procedure paths: camelCase words, short. A token put in the path by mistake (`sec_…`, or
 * any long random string) is not one, so it is never written.
 */
const PROCEDURE_PATH = /^[a-z][A-Za-z0-9]{0,39}(\.[a-z][A-Za-z0-9]{0,39}){0,3}$/

export interface RequestRoute {
  /** A route id (`routes/apps.$appId`), `trpc`, `static`, or `unmatched`. */
  readonly route: string
  /** The called procedures, for `trpc` (one per call of a batch). */
  readonly procedures?: readonly string[]
}

type RouteManifest = ServerBuild["routes"]
type RouteTree = AgnosticRouteObject & { readonly id: string }

/** The manifest (a flat map of routes by id, each naming its parent) as the tree matchRoutes walks. */
function routeTree(manifest: RouteManifest, parentId?: string): RouteTree[] {
  return Object.values(manifest)
    .filter((route) => route?.parentId === parentId)
    .map((route) => {
      const children = routeTree(manifest, route!.id)
      const base = { id: route!.id, path: route!.path, caseSensitive: route!.caseSensitive }
      return (route!.index ? { ...base, index: true } : { ...base, children }) as RouteTree
    })
}

/** A malformed escape (`%E0%A4%A`) names nothing rather than throwing. */
function decodedOrEmpty(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return ""
  }
}

const trees = new WeakMap<RouteManifest, RouteTree[]>()

export function routeOfRequest(method: string | undefined, rawUrl: string | undefined, manifest: RouteManifest): RequestRoute {
  let pathname: string
  try {
    pathname = new URL(rawUrl ?? "/", "http://host").pathname
  } catch {
    return { route: "unmatched" }
  }
  if (pathname.startsWith(TRPC_PREFIX)) {
    // A batch names its procedures joined by commas; anything else than procedure paths is not named.
    const procedures = decodedOrEmpty(pathname.slice(TRPC_PREFIX.length)).split(",")
    return { route: "trpc", procedures: procedures.every((path) => PROCEDURE_PATH.test(path)) ? procedures : [] }
  }
  if (asksForStaticFile(method, pathname)) return { route: "static" }
  // NOTE: matchRoutes warns on the console with the path itself when it cannot decode it.
  if (decodedOrEmpty(pathname) === "") return { route: "unmatched" }
  let tree = trees.get(manifest)
  if (!tree) trees.set(manifest, (tree = routeTree(manifest)))
  const matches = matchRoutes(tree, pathname)
  return { route: matches?.at(-1)?.route.id ?? "unmatched" }
}
