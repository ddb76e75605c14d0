// Markdown and highlighted code, kept out of the page's first JavaScript: react-markdown,
// remark-gfm and sugar-high weigh about 60 KB gzipped, more than the rest of the builder page
// adds, so markdown.tsx is its own chunk, fetched once the page has hydrated; the server has it
// from the start and renders replies complete. A reply drawn before the chunk arrives
// shows its plain text for that moment, and one the server drew keeps the server's HTML.
//
// NOTE: the text reaches the chunk through a deferred value and a memoised element. An urgent
// update that reached a Suspense boundary still waiting to hydrate would make React throw its
// server HTML away (and log an error); a deferred one waits for the chunk instead.

import { Suspense, useDeferredValue, useEffect, useMemo } from "react"

type RichChunk = typeof import("./markdown.tsx")

let chunk: RichChunk | null = null
let failed = false
let loading: Promise<RichChunk | null> | null = null

/** Loads the chunk once; resolves to null when it cannot be loaded (the text then stays plain). */
export function loadRichText(): Promise<RichChunk | null> {
  loading ??= import("./markdown.tsx").then(
    (module) => (chunk = module),
    () => {
      // NOTE: a rejected promise thrown to Suspense again and again would retry for ever.
      failed = true
      return null
    },
  )
  return loading
}

// The server renders replies complete, so it loads the chunk at once. A browser waits until the
// page has hydrated: evaluating some 200 KB of Markdown code in the middle of hydration held the
// builder page's first interaction back by a third of a second; meanwhile the server's HTML stays.
let markHydrated: () => void = () => {}
const hydrated = new Promise<void>((resolve) => (markHydrated = resolve))
if (typeof document === "undefined") void loadRichText()
let afterHydration: Promise<RichChunk | null> | null = null

/** The chunk, or suspends until it has loaded; null if it could not be loaded. */
function useRichChunk(): RichChunk | null {
  if (chunk || failed) return chunk
  afterHydration ??= hydrated.then(loadRichText)
  throw afterHydration
}

/** Runs after the first commit, which in the browser is the end of hydration. */
const useMarkHydrated = () => useEffect(() => markHydrated(), [])

export function PlainText({ text }: { text: string }) {
  return <p className="whitespace-pre-wrap wrap-anywhere">{text}</p>
}

function PlainCode({ code }: { code: string }) {
  return (
    <pre tabIndex={0} className="max-h-80 overflow-auto rounded-lg border bg-muted p-3 text-xs leading-5">
      <code>{code}</code>
    </pre>
  )
}

function RichMarkdown({ text }: { text: string }) {
  const rich = useRichChunk()
  return rich ? <rich.Markdown text={text} /> : <PlainText text={text} />
}

function RichCode({ code, language, compact }: { code: string; language: string | null; compact: boolean }) {
  const rich = useRichChunk()
  return rich ? <rich.CodeBlock code={code} language={language} compact={compact} /> : <PlainCode code={code} />
}

/** The agent's text as Markdown. */
export function MarkdownText({ text }: { text: string }) {
  useMarkHydrated()
  const shown = useDeferredValue(text)
  return useMemo(
    () => (
      <Suspense fallback={<PlainText text={shown} />}>
        <RichMarkdown text={shown} />
      </Suspense>
    ),
    [shown],
  )
}

/** Code with its language's colours, a label and a Copy button. */
export function HighlightedCode({ code, language, compact = false }: { code: string; language: string | null; compact?: boolean }) {
  useMarkHydrated()
  const shown = useDeferredValue(code)
  return useMemo(
    () => (
      <Suspense fallback={<PlainCode code={shown} />}>
        <RichCode code={shown} language={language} compact={compact} />
      </Suspense>
    ),
    [shown, language, compact],
  )
}
