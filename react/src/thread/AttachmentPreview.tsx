import { useState, type MouseEvent } from 'react';
import { PdfPreview } from './PdfPreview.js';
import type { Attachment } from '@carechat/protocol';
import { useKit } from '../chat/context.js';
import { useSaveAttachment } from './attachment-url.js';
import { AttachmentImage } from './AttachmentImage.js';
import { Lightbox } from './Lightbox.js';
import { pictureBox } from './reading.js';

/** A picture's thumbnail (opening the lightbox), a PDF's first page (opening it) or a file's card (downloading it). */
export function AttachmentPreview({ attachment: a }: { attachment: Attachment }) {
  const { client, strings: t } = useKit();
  const [viewing, setViewing] = useState(false);
  const download = useSaveAttachment();
  // With a token the plain URL would be refused: the link stands for the file, the click fetches it.
  const href = client.usesToken ? `#attachment-${a.id}` : client.attachmentUrl(a.id);
  const handleDownload = (e: MouseEvent) => {
    if (!client.usesToken) return;
    e.preventDefault();
    download.save(a.id, a.fileName);
  };
  if (a.mimeType === 'application/pdf') return <PdfPreview attachment={a} href={href} />;
  if (!a.mimeType.startsWith('image/'))
    return (
      <>
        <a className="file-card" href={href} download={a.fileName} onClick={handleDownload}>
          📄 {a.fileName} <span className="muted small">{t.fileSize(Math.ceil(a.size / 1024))}</span>
        </a>
        {download.failed && (
          <span role="alert" className="error small">
            {t.downloadFailed(download.failed)}
          </span>
        )}
      </>
    );
  const box = pictureBox(a);
  return (
    <>
      <a
        className="image"
        href={href}
        aria-label={t.view(a.fileName)}
        onClick={(e) => {
          e.preventDefault();
          setViewing(true);
        }}
      >
        {/* Its box is reserved before the picture arrives, so the thread below it does not move as it loads. */}
        <AttachmentImage id={a.id} thumbnail alt={a.fileName} width={box?.width} height={box?.height} />
      </a>
      {viewing && <Lightbox attachment={a} onClose={() => setViewing(false)} />}
    </>
  );
}
