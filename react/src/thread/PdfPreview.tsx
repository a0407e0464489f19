import { useState, type MouseEvent } from 'react';
import type { Attachment } from '@carechat/protocol';
import { useKit } from '../chat/context.js';
import { useAttachmentUrl, useSaveAttachment } from './attachment-url.js';

/**
 * A PDF in the thread: its first page (the server's thumbnail) and name, opening in the
 * browser's own viewer in a new tab, and a download link beside it. The original is served as
 * a sandboxed download, which no viewer shows, so the tab gets the bytes through an object URL
 * the client fetched (with the cookie or the bearer token alike).
 */
export function PdfPreview({ attachment: a, href }: { attachment: Attachment; href: string }) {
  const { client, strings: t } = useKit();
  const preview = useAttachmentUrl(a.id, true);
  const [noPreview, setNoPreview] = useState(false);
  const [openFailed, setOpenFailed] = useState(false);
  const download = useSaveAttachment();

  const handleOpen = (e: MouseEvent) => {
    e.preventDefault();
    setOpenFailed(false);
    // Opened now, while the click still allows a new tab; it gets its address once the bytes are here.
    // Where no tab may open (a blocker, a sandboxed host frame) the file is saved instead.
    const tab = window.open('', '_blank');
    if (!tab) return download.save(a.id, a.fileName);
    tab.opener = null;
    const lease = client.attachmentBlobUrl(a.id);
    lease.url
      .then(
        (url) => tab.location.replace(url),
        () => {
          tab.close();
          setOpenFailed(true);
        },
      )
      .finally(() => lease.release());
  };

  return (
    <div className="pdf">
      <a className="pdf-card" href={href} aria-label={t.openPdf(a.fileName)} onClick={handleOpen}>
        {!noPreview && <img src={preview} alt="" onError={() => setNoPreview(true)} />}
        <span>
          📄 {a.fileName} <span className="muted small">{t.fileSize(Math.ceil(a.size / 1024))}</span>
        </span>
      </a>
      <a
        className="small"
        href={href}
        download={a.fileName}
        aria-label={t.downloadFile(a.fileName)}
        onClick={(e) => {
          // With a token the link cannot carry it: the click fetches the file.
          if (!client.usesToken) return;
          e.preventDefault();
          download.save(a.id, a.fileName);
        }}
      >
        {t.download}
      </a>
      {(openFailed || download.failed) && (
        <span role="alert" className="error small">
          {openFailed ? t.openFailed(a.fileName) : t.downloadFailed(a.fileName)}
        </span>
      )}
    </div>
  );
}
