import { useAttachmentUrl } from './attachment-url.js';

/** An attachment's picture (or thumbnail), shown through `useAttachmentUrl` so a bearer token works too. */
export function AttachmentImage(props: {
  id: string;
  thumbnail?: boolean;
  alt: string;
  width?: number;
  height?: number;
}) {
  const src = useAttachmentUrl(props.id, props.thumbnail);
  return <img src={src} alt={props.alt} width={props.width} height={props.height} />;
}
