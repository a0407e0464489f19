import { wellFormed, withoutBidiControls } from '@carechat/protocol';
import { EXTENSION, type AttachmentMime } from './file-type.js';

/**
 * A file name safe to store and to hand back in Content-Disposition: no paths, no control
 * characters, no quotes, no bidi overrides or isolates (which show "invoice\u202Efdp.exe" as
 * "invoiceexe.pdf"), no lone surrogates, at most 150 characters, ending in the extension of
 * its real type.
 */
export function safeFileName(name: string | undefined, mime: AttachmentMime): string {
  // The part after the last slash (split always yields at least one part, so '' is never used).
  const lastPart =
    withoutBidiControls(wellFormed(name ?? ''))
      .split(/[\\/]/)
      .at(-1) ?? '';
  const base = lastPart
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f"<>:|?*;]/g, '')
    .replace(/^\.+/, '')
    .trim();
  const ext = EXTENSION[mime];
  // Cut at 140 UTF-16 units, a surrogate pair cut in half is repaired like any other.
  const stem = wellFormed((base || 'attachment').replace(/\.[A-Za-z0-9]{1,5}$/, '').slice(0, 140)) || 'attachment';
  return `${stem}${ext}`;
}

/** `attachment; filename="ascii"; filename*=UTF-8''utf8` (RFC 6266), for any name. */
export function contentDisposition(kind: 'attachment' | 'inline', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
