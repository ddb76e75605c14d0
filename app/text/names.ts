// What a name may hold: workspaces, teams, apps and people are shown to colleagues by name, so a
// name is text a person can read and compare, in one canonical form. NUL and other control
// characters, text-direction overrides (which reorder what is shown: "‮txt.exe" reads as
// "exe.txt"), invisible formatting characters and broken UTF-16 are refused; everything else
// (any script, emoji with their joiners and tags) is kept, NFC-normalised and trimmed.

/** Format characters a name may keep: zero-width (non-)joiners shape scripts and emoji; tags spell flag emoji. */
const ALLOWED_FORMAT = /[\u200c\u200d]|[\u{e0020}-\u{e007f}]/u
const UNSHOWABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu
/** Half of a surrogate pair without the other half: not a character at all. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, "g")

/** The first character a name may not hold, as "U+202E", or null when there is none. */
export function unshowableCharacter(value: string): string | null {
  if (LONE_SURROGATE.test(value)) return "a lone UTF-16 surrogate"
  for (const [character] of value.matchAll(UNSHOWABLE)) {
    if (!ALLOWED_FORMAT.test(character)) return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`
  }
  return null
}

/** Whether the text shows anything a person can read: not only spaces and invisible characters. */
export const hasVisibleText = (value: string) => value.replace(LONE_SURROGATES, "").replace(UNSHOWABLE, "").trim().length > 0

/** How a typed name is stored: NFC, trimmed. (Refuse it first if unshowableCharacter finds something.) */
export const canonicalName = (value: string) => value.normalize("NFC").trim()

/**
 * A name made from text nobody typed as a name (a prompt's first words, an identity provider's
 * display name): what cannot be shown is dropped instead of refused, whitespace is collapsed.
 */
export function cleanName(value: string, maxLength: number): string {
  const kept = value
    .replace(LONE_SURROGATES, "")
    .replace(UNSHOWABLE, (character: string) => (ALLOWED_FORMAT.test(character) ? character : /\s/.test(character) ? " " : ""))
  return [...canonicalName(kept.replace(/\s+/g, " "))].slice(0, maxLength).join("").trim()
}

/** How long a name made from a prompt may be: it fits a header and an app card on a phone. */
const PROMPT_NAME_LENGTH = 40
const GREETING = /^(?:(?:hi|hey|hello|please)\b[\s,!.]*)+/i
/** "Build me a", "Can you make an", "I want a simple": how a request starts, not what it is for. */
const REQUEST_OPENING =
  /^(?:(?:can|could|would|will) you\s+)?(?:please\s+)?(?:(?:build|create|make|write|generate|design|develop|code|set up|put together|give|help me (?:build|make|create))\s+(?:me|us)?\s*|i(?:'d| would) like\s+|i (?:want|need)\s+|we (?:want|need)\s+)(?:(?:a|an|the|some|my|our)\s+)?(?:(?:simple|small|little|basic|quick|tiny|new)\s+)?/i
/** Words a name does not end on: a name cut after "for" or "the" reads as cut off. */
const DANGLING = /\s+(?:a|an|the|and|or|but|of|for|to|with|in|on|at|by|from|into|that|which|where|who|whose|when|my|our|your|their|its|is|are|so|as|than|like|&|-|–|—)$/i

/**
 * An app's name before anyone names it (the builder agent names it on its first turn): the
 * request's first sentence without its "Build me a", up to a few words, cut at a word and never
 * ending on "…" or a dangling "for the". "Untitled app" when nothing showable is left.
 */
export function appNameFromPrompt(prompt: string): string {
  const firstLine = prompt.split(/\r?\n/).find((line) => line.trim().length > 0) ?? ""
  const line = cleanName(firstLine.slice(0, 1_000), 1_000)
  const sentence = (line.replace(GREETING, "") || line).split(/[.!?;:](?:\s|$)/)[0] ?? ""
  const subject = sentence.replace(REQUEST_OPENING, "")
  // "Build me a" is all opening: then the request itself is the best name there is.
  const hasSubject = subject.split(/\s+/).some((word) => /\p{L}{2,}/u.test(word) && !DANGLING.test(` ${word}`))
  let name = (hasSubject ? subject : sentence).replace(/[\s,.!?;:(\-–—]+$/, "")
  if (name.length > PROMPT_NAME_LENGTH) {
    const cut = name.slice(0, PROMPT_NAME_LENGTH + 1)
    const atWord = cut.replace(/\s+\S*$/, "")
    name = atWord.length > 0 && atWord !== cut ? atWord : [...name].slice(0, PROMPT_NAME_LENGTH).join("")
  }
  for (let before = ""; before !== name; ) {
    before = name
    name = name.replace(DANGLING, "").replace(/[\s,.!?;:(\-–—]+$/, "")
  }
  name = name.trim()
  return name.length > 0 ? name.charAt(0).toLocaleUpperCase("en") + name.slice(1) : "Untitled app"
}
