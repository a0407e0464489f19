import { CareChatError } from './errors.js';
import { answerOf, authOf } from './http.js';

export interface UploadRequest {
  url: string;
  token: string | undefined;
  form: FormData;
  /** The fraction of the body sent so far, 0 to 1. */
  onProgress?: (fraction: number) => void;
}

const FAILED = 'Upload failed: no connection';

/**
 * Sends a multipart form with progress. fetch cannot report an upload's progress in a
 * browser, XMLHttpRequest can; Node has no XMLHttpRequest, so there the body goes as a
 * stream that counts what fetch has read from it.
 */
export const uploadForm = <T>(request: UploadRequest): Promise<T> =>
  typeof XMLHttpRequest === 'function' ? withXhr<T>(request) : withCountingStream<T>(request);

function withXhr<T>({ url, token, form, onProgress }: UploadRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const { headers, credentials } = authOf(token);
    xhr.open('POST', url);
    xhr.withCredentials = credentials !== 'omit';
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress?.(e.loaded / e.total);
    xhr.onerror = () => reject(new CareChatError('NETWORK', FAILED));
    xhr.onload = () => {
      try {
        resolve(answerOf<T>(xhr.status, xhr.responseText, 'Upload failed'));
      } catch (err) {
        reject(err as Error);
      }
    };
    xhr.send(form);
  });
}

const CHUNK = 64 * 1024;

async function withCountingStream<T>({ url, token, form, onProgress }: UploadRequest): Promise<T> {
  // The multipart encoding (and its boundary) as fetch itself would send it.
  const encoded = new Request(url, { method: 'POST', body: form });
  const bytes = new Uint8Array(await encoded.arrayBuffer());
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= bytes.length) return controller.close();
      const chunk = bytes.subarray(sent, sent + CHUNK);
      sent += chunk.length;
      controller.enqueue(chunk);
      onProgress?.(sent / bytes.length);
    },
  });
  const { headers } = authOf(token);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': encoded.headers.get('content-type') ?? 'multipart/form-data',
        'content-length': String(bytes.length),
      },
      body,
      // A stream body must say it is sent before the answer is read (Node's fetch requires it).
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
  } catch {
    throw new CareChatError('NETWORK', FAILED);
  }
  return answerOf<T>(res.status, await res.text().catch(() => ''), 'Upload failed');
}
