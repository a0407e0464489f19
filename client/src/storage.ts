/**
 * Where a client keeps what must outlive the page (unsent messages, drafts): one string per
 * key. IndexedDB in browsers (it survives a closed tab), memory in Node or wherever
 * IndexedDB is refused (private modes, some embedded frames).
 */
export interface ClientStorage {
  get(key: string): Promise<string | null>;
  /** Stores `value`; null deletes the key. */
  set(key: string, value: string | null): Promise<void>;
  /** Deletes every key that starts with `prefix`. */
  clear(prefix: string): Promise<void>;
}

export function memoryStorage(): ClientStorage {
  const items = new Map<string, string>();
  return {
    get: async (key) => items.get(key) ?? null,
    set: async (key, value) => void (value === null ? items.delete(key) : items.set(key, value)),
    clear: async (prefix) => [...items.keys()].filter((k) => k.startsWith(prefix)).forEach((k) => items.delete(k)),
  };
}

const DB = 'carechat';
const STORE = 'kv';

const done = <T>(request: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });

/**
 * One IndexedDB database with one key-value store. Operations queue on one connection in the
 * order they were called, so a wipe at sign-out lands after every write started before it.
 */
export function indexedDbStorage(factory: IDBFactory = indexedDB): ClientStorage {
  const open = factory.open(DB, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  const db = done(open);
  const run = async <T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> =>
    done(work((await db).transaction(STORE, mode).objectStore(STORE)));
  return {
    get: async (key) => {
      const value = await run('readonly', (s) => s.get(key));
      return typeof value === 'string' ? value : null;
    },
    set: async (key, value) =>
      void (await (value === null
        ? run('readwrite', (s) => s.delete(key))
        : run('readwrite', (s) => s.put(value, key)))),
    clear: async (prefix) =>
      void (await run('readwrite', (s) => s.delete(IDBKeyRange.bound(prefix, `${prefix}\uffff`)))),
  };
}

let shared: ClientStorage | undefined;

/**
 * IndexedDB where the runtime has it, else memory (Node, or a browser that refuses storage):
 * one per page, so a wipe at sign-out stops every writer of the page.
 */
export function defaultStorage(): ClientStorage {
  if (shared) return shared;
  try {
    if (typeof indexedDB !== 'undefined') return (shared = indexedDbStorage());
  } catch {
    // Refused (a sandboxed frame): what the page holds lives as long as the page.
  }
  return (shared = memoryStorage());
}

const PREFIX = 'carechat:';
/** One signed-in person's keys: another person's are never read, and all go at their sign-out. */
export const personPrefix = (userId: string) => `${PREFIX}${encodeURIComponent(userId)}:`;

/** Counts wipes per storage: a writer made before the latest never writes again. */
const wipes = new WeakMap<ClientStorage, number>();

/**
 * Wipes one person's keys, or everyone's (a page that finds itself signed out, not knowing
 * whose data it held). Writers made before this one stop writing at once.
 */
export function forgetStored(storage: ClientStorage, userId?: string): Promise<void> {
  wipes.set(storage, (wipes.get(storage) ?? 0) + 1);
  return storage.clear(userId === undefined ? PREFIX : personPrefix(userId)).catch(() => undefined);
}

/**
 * One key's writer: skips a value already written, and never writes after a wipe of its
 * storage, so a keystroke or an upload finishing after sign-out cannot bring data back.
 */
export class PersistedValue {
  private readonly era: number;
  private written: string | null | undefined;

  constructor(
    private readonly storage: ClientStorage,
    private readonly key: string,
  ) {
    this.era = wipes.get(storage) ?? 0;
  }

  async read(): Promise<string | null> {
    const value = await this.storage.get(this.key).catch(() => null);
    this.written = value;
    return value;
  }

  write(value: string | null): void {
    if (this.era !== (wipes.get(this.storage) ?? 0) || value === this.written) return;
    this.written = value;
    // Storage full or refused: the value still lives as long as the page, as without storage.
    void this.storage.set(this.key, value).catch(() => undefined);
  }
}
