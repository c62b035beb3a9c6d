/**
 * SqliteStoreError is the error of a store file that cannot be used: a
 * missing or read-only folder, a torn or corrupt file, a SQLite file of
 * another application or of a newer layout. Its message names the path and
 * what is wrong; `cause` is SQLite's own error, when there is one. Go's
 * `sql.Open` defers such errors to the first query; this one comes from the
 * constructor, before any job is taken.
 */
export class SqliteStoreError extends Error {
  /**
   * @param message - What is wrong, naming the file.
   * @param options - `cause`: the underlying error.
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SqliteStoreError';
  }
}
