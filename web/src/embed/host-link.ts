import { EmbedHostMessage, type EmbedFrameMessage } from '@carechat/protocol';

/**
 * The frame's one channel to the page that framed it. Posts go only to `parent` (the browser
 * drops them if the frame was put on any other page), and a message counts only when it
 * comes from that origin and from the framing window itself: another frame or a popup, even
 * one on the host's own origin, cannot hand a token or sign the person out.
 */
export class HostLink {
  constructor(
    private readonly parent: string,
    private readonly host: Window = window.parent,
  ) {}

  post(message: EmbedFrameMessage): void {
    this.host.postMessage(message, this.parent);
  }

  /** Calls `handler` with each valid message from the host; anything else is ignored. */
  listen(handler: (message: EmbedHostMessage) => void): () => void {
    const onMessage = (e: MessageEvent) => {
      if (e.origin !== this.parent || e.source !== this.host) return;
      const parsed = EmbedHostMessage.safeParse(e.data);
      if (parsed.success) handler(parsed.data);
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }
}
