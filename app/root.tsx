// The document shell every page renders into, and the one error boundary that renders thrown
// responses (403, 404, ...) and unexpected errors.

import type { LinksFunction } from "@remix-run/node"
import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError } from "@remix-run/react"
import type { ReactNode } from "react"
import { useNonce } from "./components/nonce.tsx"
import stylesheet from "./styles.css?url"

// An empty icon: browsers stop asking for /favicon.ico (and logging its 404).
export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "data:," },
]

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce()
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  )
}

export default function App() {
  return <Outlet />
}

/** What Remix's own refusals (no route, no action) are shown as: its text names internal route ids. */
const ROUTER_REFUSALS: Readonly<Record<number, string>> = {
  404: "There is no page at this address.",
  405: "This page does not take that kind of request.",
}

export function ErrorBoundary() {
  const error = useRouteError()
  const [title, detail] = isRouteErrorResponse(error)
    ? [
        error.status === 404 ? "Not found" : error.status === 403 ? "Not allowed" : `Error ${error.status}`,
        (error as { internal?: boolean }).internal
          ? (ROUTER_REFUSALS[error.status] ?? null)
          : typeof error.data === "string" && error.data
            ? error.data
            : null,
      ]
    : ["Something went wrong", "The error was logged on the server."]
  return (
    <main className="narrow">
      <h1>{title}</h1>
      {detail ? <p className="lede" data-testid="error-detail">{detail}</p> : null}
      <a href="/">Back to the start</a>
    </main>
  )
}
