/**
 * StoreClosedError is what a {@link Store} rejects with once it is closed:
 * every store of the gochan packages does, and a store of your own should,
 * so that a pool whose store was closed under it can say so in one line
 * rather than retry and log stacks. (Go's `database/sql` returns
 * `sql.ErrConnDone` for a closed connection, to the same end.) Close a
 * store only after the pool's `shutdown()` has resolved.
 */
export class StoreClosedError extends Error {
  /** @param message - Which store is closed, naming it (its file, its queue). */
  constructor(message: string) {
    super(message);
    this.name = 'StoreClosedError';
  }
}

/**
 * The pool's side of a store closed while the pool still used it: the
 * feeder stops claiming (a closed store never reopens), and the first
 * failure is told once, as one line without a stack, because the fault is
 * the program's order of shutdown, not a place in the pool's code.
 */
export class StoreClosedNotice {
  /** Whether the one line has been written. */
  #told = false;

  /** Writes the line the first time; returns whether `error` is a StoreClosedError (the caller then stops retrying). */
  tell(error: unknown): error is StoreClosedError {
    if (!(error instanceof StoreClosedError)) return false;
    if (!this.#told) {
      this.#told = true;
      console.error(`pool: ${error.message} while the pool still uses it; close the store after the pool's shutdown() has resolved`);
    }
    return true;
  }
}
