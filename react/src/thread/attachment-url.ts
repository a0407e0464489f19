import { useCallback, useEffect, useState } from 'react';
import type { CareChatClient } from '@carechat/client';
import { useKit } from '../chat/context.js';

/**
 * Where an attachment (or its thumbnail) is shown from: the plain URL with the session cookie,
 * or, signed in with a bearer token, an object URL the client fetched with it (undefined until
 * it has), released when the view goes.
 */
export function useAttachmentUrl(id: string, thumbnail = false): string | undefined {
  const { client } = useKit();
  const [blobUrl, setBlobUrl] = useState<{ key: string; url: string } | null>(null);
  const key = `${id}:${thumbnail}`;
  useEffect(() => {
    if (!client.usesToken) return;
    const lease = client.attachmentBlobUrl(id, thumbnail);
    let shown = true;
    lease.url.then(
      (url) => shown && setBlobUrl({ key, url }),
      // An image that fails to load stays empty, as a broken <img src> would; the alt text remains.
      () => undefined,
    );
    return () => {
      shown = false;
      lease.release();
    };
  }, [client, id, thumbnail, key]);
  if (!client.usesToken) return client.attachmentUrl(id, thumbnail);
  return blobUrl?.key === key ? blobUrl.url : undefined;
}

/**
 * Saves an attachment as a file. With a token the bytes are fetched first (an `<a href>` cannot
 * carry it) and handed over through an object URL with the file's name; with the cookie the
 * link itself downloads, so this only runs for tokens.
 */
export async function saveAttachment(client: CareChatClient, id: string, fileName: string): Promise<void> {
  const lease = client.attachmentBlobUrl(id);
  try {
    const link = document.createElement('a');
    link.href = await lease.url;
    link.download = fileName;
    link.click();
  } finally {
    lease.release();
  }
}

/**
 * `saveAttachment` for a view, with what the person is told when it fails (the file's name, to
 * show beside it) instead of a click that silently does nothing.
 */
export function useSaveAttachment(): { save: (id: string, fileName: string) => void; failed: string | null } {
  const { client } = useKit();
  const [failed, setFailed] = useState<string | null>(null);
  const save = useCallback(
    (id: string, fileName: string) => {
      setFailed(null);
      saveAttachment(client, id, fileName).catch(() => setFailed(fileName));
    },
    [client],
  );
  return { save, failed };
}
