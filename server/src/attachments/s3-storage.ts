import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { BlobStorage } from './storage.js';

export interface S3Options {
  bucket: string;
  region: string;
  /** For S3-compatible services (MinIO, Ceph, R2): their URL; unset for AWS itself. */
  endpoint?: string | undefined;
  forcePathStyle?: boolean;
  /** Unset: the AWS SDK's default chain (AWS_ACCESS_KEY_ID, instance roles, ...). */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  prefix?: string;
}

/** Encrypted attachment bytes in an S3-compatible bucket, one object per file. */
export class S3Storage implements BlobStorage {
  private readonly client: S3Client;

  constructor(private readonly options: S3Options) {
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle ?? Boolean(options.endpoint),
      credentials: options.credentials,
    });
  }

  private key(key: string): string {
    return `${this.options.prefix ?? 'attachments/'}${key}`;
  }

  async put(key: string, data: Buffer): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: this.key(key),
        Body: data,
        ContentType: 'application/octet-stream',
      }),
    );
  }

  async read(key: string, from: number, to: number): Promise<Buffer> {
    const res = await this.client.send(
      new GetObjectCommand({ Bucket: this.options.bucket, Key: this.key(key), Range: `bytes=${from}-${to}` }),
    );
    if (!res.Body) throw new Error('S3 answered a read with no body');
    return Buffer.from(await res.Body.transformToByteArray());
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.key(key) }));
  }

  close(): void {
    this.client.destroy();
  }
}
