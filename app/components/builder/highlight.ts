// Syntax highlighting as class names, not inline styles: sugar-high's tokenizer splits the code,
// and each token gets a code-* colour utility (app/styles.css). NOTE: sugar-high's `highlight()`
// writes `style="color:var(--sh-…)"` into HTML, which the production CSP refuses; only its parser
// is used here. A handful of languages an app's builder meets are bundled; others stay plain.

import { parse, type ParseOptions, type TokenType } from "sugar-high/core"
import * as css from "sugar-high/lang/css"
import * as diff from "sugar-high/lang/diff"
import * as html from "sugar-high/lang/html"
import * as javascript from "sugar-high/lang/javascript"
import * as json from "sugar-high/lang/json"
import * as python from "sugar-high/lang/python"
import * as shell from "sugar-high/lang/shell"
import * as sql from "sugar-high/lang/sql"
import * as toml from "sugar-high/lang/toml"
import * as typescript from "sugar-high/lang/typescript"
import * as yaml from "sugar-high/lang/yaml"

/** Languages whose scanner must not look for JSX, regular expressions or template strings. */
const plainScanner = (config: ParseOptions): ParseOptions => ({ ...config, jsx: false, regex: false, templateStrings: false })

/**
 * The JavaScript-family presets bring their own scanner. NOTE: sugar-high 2.4.1 declares its
 * option type narrower than ParseOptions; the scanner takes whatever parse() passes it.
 */
const ownScanner = (tokenize: (code: string, options: never) => Array<[number, string]>, config: ParseOptions = {}): ParseOptions => ({
  ...config,
  tokenize: tokenize as NonNullable<ParseOptions["tokenize"]>,
})

const LANGUAGES: Readonly<Record<string, ParseOptions>> = {
  javascript: ownScanner(javascript.tokenize),
  typescript: ownScanner(typescript.tokenize),
  html: ownScanner(html.tokenize, { keywords: html.keywords, jsx: html.jsx, regex: html.regex, templateStrings: html.templateStrings, onCommentStart: html.onCommentStart, onCommentEnd: html.onCommentEnd }),
  css: plainScanner(css),
  diff: plainScanner(diff),
  json: plainScanner(json),
  python: plainScanner(python),
  shell: plainScanner(shell),
  sql: plainScanner(sql),
  toml: plainScanner(toml),
  yaml: plainScanner(yaml),
}

/** Fence names and file extensions, to the languages above. */
const ALIASES: Readonly<Record<string, string>> = {
  js: "javascript",
  jsx: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  ts: "typescript",
  tsx: "typescript",
  mts: "typescript",
  htm: "html",
  xml: "html",
  svg: "html",
  scss: "css",
  patch: "diff",
  jsonc: "json",
  json5: "json",
  py: "python",
  sh: "shell",
  bash: "shell",
  zsh: "shell",
  console: "shell",
  yml: "yaml",
}

/** The language a fence or a file name means, when it is one of the bundled ones. */
export function languageOf(name: string | null | undefined): string | null {
  if (!name) return null
  const key = name.trim().toLowerCase().replace(/^.*\./, "")
  const language = ALIASES[key] ?? key
  return language in LANGUAGES ? language : null
}

const TOKEN_CLASSES: Partial<Record<TokenType, string>> = {
  keyword: "text-code-keyword",
  string: "text-code-string",
  comment: "text-code-comment italic",
  class: "text-code-class",
  property: "text-code-property",
  entity: "text-code-entity",
}

export interface HighlightedToken {
  readonly className: string | null
  readonly text: string
}

export interface HighlightedLine {
  readonly tokens: readonly HighlightedToken[]
  /** A diff's added or removed line. */
  readonly change: "add" | "remove" | null
}

/** The code's lines, each as runs of text with the class that colours them (null: plain). */
export function highlightLines(code: string, language: string | null): HighlightedLine[] {
  const config = language ? LANGUAGES[language] : undefined
  if (!config) return code.split("\n").map((text) => ({ tokens: [{ className: null, text }], change: null }))
  return parse(code, config).lines.map((line) => {
    const tokens: HighlightedToken[] = []
    for (const token of line.tokens) {
      const className = TOKEN_CLASSES[token.type] ?? null
      const last = tokens.at(-1)
      // Neighbours of one colour are one span.
      if (last && last.className === className) tokens[tokens.length - 1] = { className, text: last.text + token.value }
      else if (token.value !== "") tokens.push({ className, text: token.value })
    }
    const change = line.annotations.includes("diff-add") ? "add" : line.annotations.includes("diff-remove") ? "remove" : null
    return { tokens, change }
  })
}
