import { hkdfSync, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/pool.js';
import { open, seal } from './aead.js';

const KEY_CHECK = Buffer.from('carechat master key check v1');
const CACHE_LIMIT = 50_000;

export interface WrappedKey {
  wrappedKey: Buffer;
  keyVersion: number;
}

/**
 * Envelope encryption: every conversation has its own random data key, stored wrapped by a
 * versioned master key. Rotating the master key re-wraps data keys only; message ciphertext
 * never has to be rewritten. Unwrapped data keys are cached in memory (bounded) so a send
 * costs one AES-GCM operation, not two.
 */
export class Keyring {
  private readonly cache = new Map<string, Buffer>();

  constructor(
    private readonly masterKeys: ReadonlyMap<number, Buffer>,
    readonly currentVersion: number,
  ) {}

  /** Records the current master key's check value, or proves the key matches the stored one. */
  async verify(db: Queryable): Promise<void> {
    const current = this.master(this.currentVersion);
    const { rows } = await db.query<{ version: number; key_check: Buffer }>(
      'SELECT version, key_check FROM master_keys',
    );
    for (const row of rows) {
      const key = this.masterKeys.get(row.version);
      if (!key) continue;
      try {
        open(key, row.key_check, `master-key-check:${row.version}`);
      } catch {
        throw new Error(
          `MASTER_KEY does not match master key version ${row.version} that this database was written with`,
        );
      }
    }
    const { rows: inUse } = await db.query<{ key_version: number }>(
      `SELECT DISTINCT key_version FROM conversations WHERE wrapped_key IS NOT NULL
       UNION SELECT DISTINCT totp_key_version FROM users WHERE totp_secret IS NOT NULL
       UNION SELECT DISTINCT key_version FROM reminder_contacts`,
    );
    const missing = inUse.map((r) => r.key_version).filter((v) => !this.masterKeys.has(v));
    if (missing.length > 0)
      throw new Error(
        `conversations are wrapped under master key version(s) ${missing.join(', ')}, ` +
          'which are not configured (MASTER_KEYS_PREVIOUS)',
      );
    if (!rows.some((r) => r.version === this.currentVersion)) {
      await db.query('INSERT INTO master_keys (version, key_check) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
        this.currentVersion,
        seal(current, KEY_CHECK, `master-key-check:${this.currentVersion}`),
      ]);
    }
  }

  /** A fresh data key for a new conversation, wrapped under the current master key. */
  newDataKey(conversationId: string): WrappedKey {
    const dataKey = randomBytes(32);
    const wrappedKey = seal(this.master(this.currentVersion), dataKey, wrapAad(conversationId, this.currentVersion));
    this.remember(conversationId, dataKey);
    return { wrappedKey, keyVersion: this.currentVersion };
  }

  dataKey(conversationId: string, wrapped: WrappedKey): Buffer {
    const cached = this.cache.get(conversationId);
    if (cached) return cached;
    const key = open(this.master(wrapped.keyVersion), wrapped.wrappedKey, wrapAad(conversationId, wrapped.keyVersion));
    this.remember(conversationId, key);
    return key;
  }

  /**
   * The data key if this process holds it unwrapped, without any check: a send that uses it
   * still has its access checked in the statement that stores it.
   */
  cachedDataKey(conversationId: string): Buffer | undefined {
    return this.cache.get(conversationId);
  }

  /** Seals a small secret (a TOTP seed) directly under the current master key. */
  sealSecret(data: Buffer, aad: string): { blob: Buffer; version: number } {
    return {
      blob: seal(this.master(this.currentVersion), data, `secret:${aad}:${this.currentVersion}`),
      version: this.currentVersion,
    };
  }

  openSecret(blob: Buffer, version: number, aad: string): Buffer {
    return open(this.master(version), blob, `secret:${aad}:${version}`);
  }

  /**
   * A key for one purpose (signing a cookie, say), derived from the current master key with
   * HKDF: the master key itself is never used for anything but wrapping. Rotating the master
   * key changes it.
   */
  deriveKey(purpose: string): Buffer {
    return Buffer.from(
      hkdfSync('sha256', this.master(this.currentVersion), Buffer.alloc(0), `carechat:${purpose}`, 32),
    );
  }

  /** The same data key wrapped under the current master key version (rotation). */
  rewrap(conversationId: string, wrapped: WrappedKey): WrappedKey {
    const dataKey = open(
      this.master(wrapped.keyVersion),
      wrapped.wrappedKey,
      wrapAad(conversationId, wrapped.keyVersion),
    );
    return {
      wrappedKey: seal(this.master(this.currentVersion), dataKey, wrapAad(conversationId, this.currentVersion)),
      keyVersion: this.currentVersion,
    };
  }

  /** Drops a cached key, e.g. after the conversation's key was destroyed. */
  forget(conversationId: string): void {
    this.cache.delete(conversationId);
  }

  private master(version: number): Buffer {
    const key = this.masterKeys.get(version);
    if (!key) throw new Error(`master key version ${version} is not loaded`);
    return key;
  }

  private remember(conversationId: string, key: Buffer): void {
    if (this.cache.size >= CACHE_LIMIT) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(conversationId, key);
  }
}

const wrapAad = (conversationId: string, version: number) => `data-key:${conversationId}:${version}`;

/** The AAD of a message body: a ciphertext only opens in its own row and version. */
export const messageAad = (conversationId: string, messageId: string, version: number) =>
  `message:${conversationId}:${messageId}:${version}`;

export function encryptText(key: Buffer, text: string, aad: string): Buffer {
  return seal(key, Buffer.from(text, 'utf8'), aad);
}

export function decryptText(key: Buffer, blob: Buffer, aad: string): string {
  return open(key, blob, aad).toString('utf8');
}
