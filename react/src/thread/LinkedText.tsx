import { tokenize } from '../chat/links.js';

/**
 * Message text with its links, e-mail addresses and phone numbers tappable: React elements
 * from tokens, never HTML. Web links open in a new tab without an opener or a referrer.
 */
export function LinkedText({ text }: { text: string }) {
  return (
    <>
      {tokenize(text).map((token, i) =>
        token.kind === 'text' ? (
          token.text
        ) : token.kind === 'url' ? (
          <a key={i} href={token.href} target="_blank" rel="noopener noreferrer">
            {token.text}
          </a>
        ) : (
          <a key={i} href={token.href}>
            {token.text}
          </a>
        ),
      )}
    </>
  );
}
