// A secret value that cannot leak by accident: printing, logging, JSON-encoding or interpolating it
// yields a placeholder. The only way to the value is `reveal()`, which is easy to grep for.

const inspectSymbol = Symbol.for("nodejs.util.inspect.custom")
const placeholder = "<redacted>"

export class Secret {
  readonly #value: string

  constructor(value: string) {
    this.#value = value
  }

  reveal(): string {
    return this.#value
  }

  get length(): number {
    return this.#value.length
  }

  toString(): string {
    return placeholder
  }

  toJSON(): string {
    return placeholder
  }

  [inspectSymbol](): string {
    return placeholder
  }
}
