// The document shell every page renders into (the theme on <html>, so the first paint has the
// right colours), and the one error boundary that renders thrown responses (403, 404, ...) and
// unexpected errors.

import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node"
import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError } from "@remix-run/react"
import type { ReactNode } from "react"
import { useNonce } from "./components/nonce.tsx"
import { ErrorPage } from "./components/error-page.tsx"
import stylesheet from "./styles.css?url"
import { pageTitle } from "./text/page-title.ts"
import { readTheme } from "./theme/theme.server.ts"
import { useTheme } from "./theme/use-theme.ts"

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
]

/** Pages name themselves; a page replaced by the error boundary is named by what went wrong. */
export const meta: MetaFunction = ({ error }) => (error ? pageTitle(errorTitle(error)) : [{ title: "Second" }])

function errorTitle(error: unknown): string {
  if (!isRouteErrorResponse(error)) return "Something went wrong"
  return error.status === 404 ? "Not found" : error.status === 403 ? "Not allowed" : `Error ${error.status}`
}

export function loader({ request }: LoaderFunctionArgs) {
  return { theme: readTheme(request) }
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce()
  const theme = useTheme()
  return (
    <html lang="en" data-theme={theme === "system" ? undefined : theme}>
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
  if (!isRouteErrorResponse(error)) {
    return <ErrorPage status={500} title={errorTitle(error)} detail="The error was logged on the server. Try again; if it keeps happening, tell your administrator." />
  }
  const detail = (error as { internal?: boolean }).internal
    ? (ROUTER_REFUSALS[error.status] ?? null)
    : typeof error.data === "string" && error.data
      ? error.data
      : null
  return <ErrorPage status={error.status} title={errorTitle(error)} detail={detail} />
}
