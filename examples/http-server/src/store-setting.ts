/**
 * StoreSetting is where the server's tasks wait, as `STORE` names it:
 * `memory`, the article's buffered channel (lost when the process dies);
 * `sqlite:<path>`, a SQLite file that outlives it; or
 * `redis://host:port/db`, a queue in Redis that several servers share.
 */
export type StoreSetting =
  | { readonly kind: 'memory' }
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'redis'; readonly url: string };

/** StoreKind is the `kind` of a {@link StoreSetting}. */
export type StoreKind = StoreSetting['kind'];

/** How each kind is written, for the error that lists what STORE may be. */
const FORMS: Record<StoreKind, string> = { memory: '`memory`', sqlite: '`sqlite:<path>`', redis: '`redis://host:port/db`' };

/** The setting `text` names, or undefined if it names none. */
function read(text: string): StoreSetting | undefined {
  if (text === 'memory') return { kind: 'memory' };
  if (text.startsWith('sqlite:') && text.length > 'sqlite:'.length) return { kind: 'sqlite', path: text.slice('sqlite:'.length) };
  if (/^rediss?:\/\/[^/]/.test(text)) {
    try {
      new URL(text);
      return { kind: 'redis', url: text };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * parseStore reads a `STORE` value.
 *
 * @param accepted - The kinds this server can run on.
 * @throws RangeError naming `STORE`, what it may be, and the value received.
 */
export function parseStore(text: string, accepted: readonly StoreKind[]): StoreSetting {
  const setting = read(text);
  if (setting === undefined || !accepted.includes(setting.kind)) {
    const names = accepted.map((kind) => FORMS[kind]);
    const forms = names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : names.join('');
    const note = setting !== undefined ? ' (this version of the server keeps its queue in memory, as the article does; the one on @gochan/pool takes the others)' : '';
    throw new RangeError(`Expected \`STORE\` to be ${forms}${note}, got ${JSON.stringify(text)}`);
  }
  return setting;
}
