// Server-Sent Events parsing for Node, which has no EventSource: text in, messages out, the way
// the HTML standard's EventSource reads a stream (fields, multi-line data, comments, ids that
// persist across messages). Pure, so followRun's reconnecting stays a thin shell around it.

export interface SseMessage {
  /** "message" unless the message named another type. */
  readonly event: string
  readonly data: string
  /** The id to resume after (Last-Event-ID) once this message is handled; ids persist across messages. */
  readonly lastEventId: string | null
}

export class SseParser {
  #buffer = ""
  /** Committed when a message ends (a blank line), so a message cut off mid-way does not move it. */
  #lastEventId: string | null
  #idBuffer: string | null
  #event = ""
  #data: string[] = []

  constructor(lastEventId: string | null = null) {
    this.#lastEventId = lastEventId
    this.#idBuffer = lastEventId
  }

  /** The id a reconnect resumes after: the last one seen in a complete message, even one without data. */
  get lastEventId(): string | null {
    return this.#lastEventId
  }

  /** Feeds decoded text; returns the messages it completed. */
  push(text: string): SseMessage[] {
    this.#buffer += text
    const messages: SseMessage[] = []
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.#buffer)
      // A lone "\r" at the end may be the first half of "\r\n": wait for the next chunk.
      if (!match || (match[0] === "\r" && match.index === this.#buffer.length - 1)) return messages
      const line = this.#buffer.slice(0, match.index)
      this.#buffer = this.#buffer.slice(match.index + match[0].length)
      const message = this.#line(line)
      if (message) messages.push(message)
    }
  }

  #line(line: string): SseMessage | null {
    if (line === "") return this.#dispatch()
    // Comments are the server's heartbeats.
    if (line.startsWith(":")) return null
    const colon = line.indexOf(":")
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? "" : line.slice(colon + 1)
    if (value.startsWith(" ")) value = value.slice(1)
    if (field === "data") this.#data.push(value)
    else if (field === "event") this.#event = value
    else if (field === "id" && !value.includes("\0")) this.#idBuffer = value === "" ? null : value
    return null
  }

  #dispatch(): SseMessage | null {
    // As in EventSource, a complete message's id counts even when it carries no data.
    this.#lastEventId = this.#idBuffer
    const event = this.#event || "message"
    const data = this.#data
    this.#event = ""
    this.#data = []
    // EventSource fires nothing for a message without data.
    return data.length === 0 ? null : { event, data: data.join("\n"), lastEventId: this.#lastEventId }
  }
}
