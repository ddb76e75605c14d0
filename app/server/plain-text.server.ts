// How a route answers in a line: plain text, never cached. Refusals before any stream or page
// (401, 404, 405, 415, 429, …) and /healthz use it, so every such answer looks the same.

export const plainText = (body: string, status: number, headers: Readonly<Record<string, string>> = {}) =>
  new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers } })
