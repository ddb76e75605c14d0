// A queue read with await: producers push, the reader takes the next item or waits for it, and
// `end()` makes every later take answer null. Items are never lost when a reader stops early.

export class AsyncQueue<T> {
  readonly #items: T[] = []
  readonly #waiting: ((item: T | null) => void)[] = []
  #ended = false

  push(item: T): void {
    if (this.#ended) return
    const waiter = this.#waiting.shift()
    if (waiter) waiter(item)
    else this.#items.push(item)
  }

  end(): void {
    this.#ended = true
    for (const waiter of this.#waiting.splice(0)) waiter(null)
  }

  next(): Promise<T | null> {
    if (this.#items.length > 0) return Promise.resolve(this.#items.shift()!)
    if (this.#ended) return Promise.resolve(null)
    return new Promise((resolve) => this.#waiting.push(resolve))
  }
}
