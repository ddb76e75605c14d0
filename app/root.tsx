// The document shell every page renders into, and the one error boundary that renders thrown
// responses and unexpected errors.

import type { LinksFunction } from "@remix-run/node"
import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError } from "@remix-run/react"
import type { ReactNode } from "react"
import stylesheet from "./styles.css?url"

export const links: LinksFunction = () => [{ rel: "stylesheet", href: stylesheet }]

export function Layout({ children }: { children: ReactNode }) {
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
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  )
}

export default function App() {
  return <Outlet />
}

export function ErrorBoundary() {
  const error = useRouteError()
  const [title, detail] = isRouteErrorResponse(error)
    ? [`${error.status} ${error.statusText}`, typeof error.data === "string" ? error.data : null]
    : ["Something went wrong", "The error was logged on the server."]
  return (
    <main>
      <h1>{title}</h1>
      {detail ? <p className="lede">{detail}</p> : null}
      <a href="/">Back to the start</a>
    </main>
  )
}
