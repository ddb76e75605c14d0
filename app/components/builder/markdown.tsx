// The agent's replies as Markdown (GitHub's flavour: tables, task lists, strikethrough, autolinks),
// drawn with the design system's classes. Nothing the model writes becomes HTML: raw HTML shows as
// text (react-markdown's default), links go only to http(s) and mailto addresses and open in a new
// tab, images become links (the CSP loads none from elsewhere), and no element gets a style
// attribute (a table cell's alignment becomes a class). Loaded apart from the page's first
// JavaScript, through rich-text.tsx.

import { CircleCheck, Circle, ImageIcon } from "lucide-react"
import type { ReactNode } from "react"
import ReactMarkdown, { defaultUrlTransform, type Components, type ExtraProps } from "react-markdown"
import remarkGfm from "remark-gfm"
import { CodeBlock } from "./code-block.tsx"

export { CodeBlock } from "./code-block.tsx"

type HastElement = NonNullable<ExtraProps["node"]>
type HastChild = HastElement["children"][number]

/** Only web and mail links; anything else (javascript:, data:, a relative path) is no link at all. */
export function safeUrl(url: string): string {
  const kept = defaultUrlTransform(url)
  return /^(?:https?:|mailto:|#)/i.test(kept) ? kept : ""
}

function textOf(node: HastChild | HastElement): string {
  if (node.type === "text") return node.value
  return "children" in node ? node.children.map((child) => textOf(child as HastChild)).join("") : ""
}

/** The fenced block's language: its code element's `language-…` class. */
function fenceLanguage(code: HastElement | undefined): string | null {
  const classes: unknown = code?.properties["className"]
  const names: string[] = Array.isArray(classes) ? classes.map(String) : typeof classes === "string" ? classes.split(" ") : []
  return names.find((name) => name.startsWith("language-"))?.slice("language-".length) ?? null
}

const ALIGN_CLASSES: Readonly<Record<string, string>> = { left: "text-left", center: "text-center", right: "text-right" }
const alignOf = (node: HastElement | undefined) => ALIGN_CLASSES[String(node?.properties["align"] ?? "left")] ?? "text-left"

const heading = (Tag: "h2" | "h3" | "h4", size: string) =>
  function Heading({ children }: { children?: ReactNode }) {
    return <Tag className={`mt-4 mb-2 font-semibold first:mt-0 ${size}`}>{children}</Tag>
  }

/**
 * NOTE: each component passes on only what it means to: spreading the props would bring back
 * what react-markdown sets, a cell's `style` among them.
 */
const COMPONENTS: Components = {
  // The reply sits under the page's h1 (the app's name), beside the plan card's h2.
  h1: heading("h2", "text-base"),
  h2: heading("h2", "text-base"),
  h3: heading("h3", "text-sm"),
  h4: heading("h4", "text-sm"),
  h5: heading("h4", "text-sm"),
  h6: heading("h4", "text-sm"),
  // pre-line: the reply's single line breaks stay line breaks, as the agent wrote them.
  p: ({ children }) => <p className="my-2 whitespace-pre-line first:mt-0 last:mb-0">{children}</p>,
  a: ({ href, children }) =>
    !href ? (
      <span>{children}</span>
    ) : href.startsWith("#") ? (
      <a href={href} className="text-primary underline underline-offset-2">
        {children}
      </a>
    ) : (
      <a href={href} target="_blank" rel="noreferrer noopener" className="font-medium text-primary underline underline-offset-2 wrap-anywhere">
        {children}
      </a>
    ),
  img: ({ src, alt }) =>
    typeof src === "string" && src ? (
      <a href={src} target="_blank" rel="noreferrer noopener" className="inline-flex items-center gap-1 text-primary underline underline-offset-2 wrap-anywhere">
        <ImageIcon className="size-4 shrink-0" aria-hidden />
        {alt || "Image"}
      </a>
    ) : (
      <span>{alt}</span>
    ),
  ul: ({ className, children }) => (
    <ul className={className?.includes("contains-task-list") ? "my-2 grid gap-1" : "my-2 grid list-disc gap-1 pl-5"}>{children}</ul>
  ),
  ol: ({ start, children }) => (
    <ol start={start} className="my-2 grid list-decimal gap-1 pl-5">
      {children}
    </ol>
  ),
  li: ({ className, children }) => <li className={className?.includes("task-list-item") ? "flex items-start gap-2" : "pl-1"}>{children}</li>,
  input: ({ type, checked }) =>
    type === "checkbox" ? (
      <span className="relative mt-1 shrink-0">
        {checked ? <CircleCheck className="size-4 text-success" aria-hidden /> : <Circle className="size-4 text-muted-foreground" aria-hidden />}
        <span className="sr-only">{checked ? "Done:" : "To do:"}</span>
      </span>
    ) : null,
  blockquote: ({ children }) => <blockquote className="my-2 border-l-2 pl-3 text-muted-foreground">{children}</blockquote>,
  hr: () => <hr className="my-4" />,
  strong: ({ children }) => <strong className="font-semibold">{children}</strong>,
  code: ({ children }) => <code className="rounded bg-muted px-1 py-0.5 font-mono text-xs wrap-anywhere">{children}</code>,
  pre: ({ node }) => {
    const code = node?.children.find((child): child is HastElement => child.type === "element" && child.tagName === "code")
    return (
      <div className="my-3">
        <CodeBlock code={code ? textOf(code).replace(/\n$/, "") : ""} language={fenceLanguage(code)} />
      </div>
    )
  },
  table: ({ children }) => (
    // Focusable: a table wider than the chat scrolls inside this box, by keyboard too.
    <div tabIndex={0} className="my-3 overflow-x-auto rounded-lg border">
      <table className="w-full border-collapse text-sm">{children}</table>
    </div>
  ),
  thead: ({ children }) => <thead className="bg-muted">{children}</thead>,
  th: ({ node, children }) => <th className={`border-b px-3 py-1.5 font-semibold ${alignOf(node)}`}>{children}</th>,
  td: ({ node, children }) => <td className={`border-b px-3 py-1.5 align-top ${alignOf(node)}`}>{children}</td>,
}

const PLUGINS = [remarkGfm]

export function Markdown({ text }: { text: string }) {
  return (
    <div className="min-w-0 wrap-break-word">
      <ReactMarkdown remarkPlugins={PLUGINS} components={COMPONENTS} urlTransform={safeUrl}>
        {text}
      </ReactMarkdown>
    </div>
  )
}
