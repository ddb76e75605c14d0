// A block of code in the chat: its language, a Copy button, and the code highlighted with
// class-coloured spans (highlight.ts), scrolling sideways inside the block, never the page.

import { Check, Copy } from "lucide-react"
import { useEffect, useState } from "react"
import { Button } from "../ui/button.tsx"
import { cn } from "../ui/cn.ts"
import { highlightLines, languageOf } from "./highlight.ts"

export interface CodeBlockProps {
  readonly code: string
  /** The fence's language or a file name ("ts", "bash", "src/App.tsx"); shown as the label. */
  readonly language: string | null
  /** Caps the height (tool details), scrolling the rest. */
  readonly compact?: boolean
}

export function CodeBlock({ code, language, compact = false }: CodeBlockProps) {
  // A file's final newline ends its last line; it is no line of its own.
  const lines = highlightLines(code.endsWith("\n") ? code.slice(0, -1) : code, languageOf(language))
  return (
    <figure className="min-w-0 overflow-hidden rounded-lg border bg-muted" data-testid="code-block">
      <figcaption className="flex items-center justify-between gap-2 border-b py-0.5 pr-1 pl-3 text-xs text-muted-foreground">
        <span className="min-w-0 truncate font-mono" title={language ?? undefined}>
          {language ?? "text"}
        </span>
        <CopyButton text={code} />
      </figcaption>
      {/* Focusable: a block that scrolls must be reachable by keyboard to be scrolled. */}
      <pre tabIndex={0} className={cn("overflow-auto p-3 text-xs leading-5", compact && "max-h-80")}>
        <code className="grid w-max min-w-full">
          {lines.map((line, index) => (
            <span
              key={index}
              className={cn("min-h-5 whitespace-pre", line.change === "add" && "bg-success/15", line.change === "remove" && "bg-destructive/15")}
            >
              {line.tokens.map((token, at) =>
                token.className ? (
                  <span key={at} className={token.className}>
                    {token.text}
                  </span>
                ) : (
                  token.text
                ),
              )}
            </span>
          ))}
        </code>
      </pre>
    </figure>
  )
}

const COPIED_FOR_MS = 2_000

export function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState<boolean | "failed">(false)
  useEffect(() => {
    if (copied === false) return
    const timer = setTimeout(() => setCopied(false), COPIED_FOR_MS)
    return () => clearTimeout(timer)
  }, [copied])
  const copy = () => {
    // The clipboard needs a secure context (https or localhost); elsewhere the button says so.
    if (!navigator.clipboard) return setCopied("failed")
    navigator.clipboard.writeText(text).then(
      () => setCopied(true),
      () => setCopied("failed"),
    )
  }
  return (
    <Button variant="ghost" size="sm" className="h-7 px-2" onClick={copy}>
      {copied === true ? <Check aria-hidden /> : <Copy aria-hidden />}
      <span aria-live="polite">{copied === true ? "Copied" : copied === "failed" ? "Copy failed" : "Copy"}</span>
    </Button>
  )
}
