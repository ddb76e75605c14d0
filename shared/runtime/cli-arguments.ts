// Values that reach an agent CLI's command line or config as words of their own: the model a
// person picks and the runtime session a turn resumes. Both tiers check them against these
// patterns. None may start with "-": a CLI whose parser stops at a dash would read the value as
// another option (a model named "--dangerously-skip-permissions").

export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,199}$/

/** Runtime session ids: UUIDs (Claude Code, Codex) and "ses_…" (OpenCode). */
export const RUNTIME_SESSION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/
