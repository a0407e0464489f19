import { mkdir, open as openFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where encrypted attachment bytes live. Callers hand it ciphertext only. */
export interface BlobStorage {
  put(key: string, data: Buffer): Promise<void>;
  /** Bytes [from, to] inclusive of what was stored. */
  read(key: string, from: number, to: number): Promise<Buffer>;
  delete(key: string): Promise<void>;
}

/** DATA_DIR/attachments/<two hex>/<key>: written to a temporary name, then renamed into place. */
export class LocalDiskStorage implements BlobStorage {
  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    if (!/^[0-9a-f-]{36}(\.[a-z]+)?$/.test(key)) throw new Error('bad storage key');
    return path.join(this.root, key.slice(0, 2), key);
  }

  async put(key: string, data: Buffer): Promise<void> {
    const file = this.pathOf(key);
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, data, { mode: 0o600 });
    await rename(tmp, file);
  }

  async read(key: string, from: number, to: number): Promise<Buffer> {
    const handle = await openFile(this.pathOf(key), 'r');
    try {
      const buffer = Buffer.alloc(to - from + 1);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, from);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}
