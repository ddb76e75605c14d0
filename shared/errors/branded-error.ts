// Error classes whose `instanceof` works across copies of the module. The web tier's services are
// created by the Node entry bundle while routes run in the Remix bundle (and Vite reloads modules
// in development), so one class can exist twice; a global symbol brand makes both copies agree.

export function brandedErrorClass(brand: string) {
  const key = Symbol.for(`second/${brand}`)
  return class BrandedError extends Error {
    static override [Symbol.hasInstance](value: unknown): boolean {
      return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[key] === true
    }

    constructor(message: string) {
      super(message)
      Object.defineProperty(this, key, { value: true })
    }
  }
}
