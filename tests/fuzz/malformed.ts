// The malformed values the fuzz suite sends: wrong types, oversized and odd strings, deep nesting,
// prototype keys, odd ids and cursors, odd bodies. Plain data; the generators combine them with
// every procedure and route.

const DEPTH = 20_000

/**
 * JSON nested far deeper than any real input: parsers and validators must not recurse on it (nor
 * may anything JSON.stringify it back: that overflows the stack, which is why this is text).
 */
export const DEEPLY_NESTED_JSON = `${"[".repeat(DEPTH)}${"]".repeat(DEPTH)}`

/** Strings that are wrong for any field: control characters, direction overrides, broken UTF-16, sizes. */
export const ODD_STRINGS: readonly string[] = [
  "",
  " \t\n ",
  "a\u0000b",
  "\u0007\u001b[31mred",
  "\u202egnp.exe",
  "x\u2066y\u2069",
  "\ud800",
  "\udfff lone",
  "../../../etc/passwd",
  "%2e%2e%2f%00",
  "$where",
  "<script>alert(1)</script>",
  "\\u0000",
  // Past every field's limit (prompts take 100,000), last: generators pick it with .at(-1).
  "x".repeat(100_001),
]

/** Ids and cursors that look almost right, or not at all. */
export const ODD_IDS: readonly string[] = [
  "a".repeat(24),
  "A".repeat(24),
  "a".repeat(23),
  "a".repeat(25),
  "-1",
  "99999999999999999999999",
  "1-99999999999999999999999",
  "1e309",
  "0x10",
  "*",
  "a/../../b",
]

/** Values of the wrong type for any field (the objects are the durable store's own filter shapes). */
export const WRONG_TYPES: readonly unknown[] = [null, -1, 1.5, 1e308, true, ["a", "b"], {}, { in: ["a"] }, { lt: "z" }, { $ne: null }]

/** Objects that try to reach a prototype. Sent as JSON text, so the keys arrive as own properties. */
export const PROTOTYPE_KEYS: readonly string[] = [
  '{"__proto__":{"polluted":true,"isAdmin":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"__proto__":null}',
]

/** Whole inputs for a procedure, as JSON text (undefined: no input at all). */
export const WHOLE_INPUTS: readonly (string | undefined)[] = [
  undefined,
  "null",
  "0",
  '"x"',
  "[]",
  "{}",
  "[1,2,3]",
  JSON.stringify({ json: { workspaceId: "a".repeat(24) } }),
  JSON.stringify("x".repeat(200_000)),
  DEEPLY_NESTED_JSON,
  ...PROTOTYPE_KEYS,
]

/** Bodies that are not what a JSON API or a form expects, with the content type they are sent as (the first three are the sample generators take). */
export const ODD_BODIES: readonly { readonly label: string; readonly contentType: string | null; readonly body: string }[] = [
  { label: "no body", contentType: null, body: "" },
  { label: "invalid JSON", contentType: "application/json", body: '{"a":}' },
  { label: "broken multipart", contentType: "multipart/form-data; boundary=zz", body: "--zz\r\nContent-Disposition: form-data\r\n\r\nx" },
  { label: "truncated JSON", contentType: "application/json", body: '{"workspaceId":"' },
  { label: "JSON with a BOM", contentType: "application/json", body: '\ufeff{"a":1}' },
  { label: "text/plain", contentType: "text/plain", body: "hello" },
  { label: "octet-stream", contentType: "application/octet-stream", body: "\u0000\u0001\u0002" },
  { label: "multipart without boundary", contentType: "multipart/form-data", body: "x" },
  { label: "form with a bad escape", contentType: "application/x-www-form-urlencoded", body: "a=%E0%A4%A&b=%" },
  { label: "odd content type", contentType: "application/json; charset=utf-7", body: "{}" },
  { label: "XML", contentType: "application/xml", body: "<a/>" },
]

/** Path segments that are not ids, for route parameters. Already percent-encoded where needed. */
export const ODD_SEGMENTS: readonly string[] = [
  "a".repeat(24),
  "%2e%2e",
  "..%2f..%2f",
  "%00",
  "%E0%A4%A",
  "%F0%9F%92%A9",
  "x".repeat(2_000),
  "%25",
  "a%2Fb",
  "__proto__",
]

/** Query strings that every page and API should shrug off. */
export const ODD_QUERIES: readonly string[] = [
  "?returnTo=%2F.%2F%2Fevil.example",
  "?show=-1",
  "?show=1e309",
  "?show=99999999999999999999",
  "?lastEventId=99999999999999999999999",
  "?index&index",
  "?_data=routes%2F..",
  "?_routes=root,nope",
  "?before=%00&limit=-5",
  "?a=%E0%A4%A",
  `?q=${"x".repeat(6_000)}`,
]

/** Cookies a signed-out client can send (a signed-in one's own cookie would replace them). */
export const ODD_COOKIES: readonly string[] = [
  "second_session=garbage",
  "second_session=a.b.c; second_session=d",
  `second_session=${"x".repeat(4_000)}`,
  "=;;==;",
  "second_session=%E0%A4%A",
]

/** Headers a client can send with anything (the first two are the sample generators take). */
export const ODD_HEADERS: readonly Record<string, string>[] = [
  { "x-forwarded-host": "evil.example" },
  { "last-event-id": "99999999999999999999999" },
  { "last-event-id": "\u00ff" },
  { accept: "application/jsonl" },
  { "trpc-accept": "application/jsonl" },
  { "x-forwarded-proto": "gopher" },
]
