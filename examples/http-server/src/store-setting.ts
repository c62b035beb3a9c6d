/**
 * StoreSetting is where the server's tasks wait, as `STORE` names it:
 * `memory`, the article's buffered channel (lost when the process dies), or
 * `sqlite:<path>`, a SQLite file that outlives it.
 */
export type StoreSetting = { readonly kind: 'memory' } | { readonly kind: 'sqlite'; readonly path: string };

/** StoreKind is the `kind` of a {@link StoreSetting}. */
export type StoreKind = StoreSetting['kind'];

/**
 * parseStore reads a `STORE` value.
 *
 * @param accepted - The kinds this server can run on.
 * @throws RangeError naming `STORE`, what it may be, and the value received.
 */
export function parseStore(text: string, accepted: readonly StoreKind[]): StoreSetting {
  const setting: StoreSetting | undefined =
    text === 'memory' ? { kind: 'memory' } : text.startsWith('sqlite:') && text.length > 'sqlite:'.length ? { kind: 'sqlite', path: text.slice('sqlite:'.length) } : undefined;
  if (setting === undefined || !accepted.includes(setting.kind)) {
    const forms = accepted.map((kind) => (kind === 'memory' ? '`memory`' : '`sqlite:<path>`')).join(' or ');
    const note = setting !== undefined ? ' (this version of the server keeps its queue in memory, as the article does; the one on @gochan/pool takes the others)' : '';
    throw new RangeError(`Expected \`STORE\` to be ${forms}${note}, got ${JSON.stringify(text)}`);
  }
  return setting;
}
