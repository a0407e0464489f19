/** The share of the viewport's height the composer may take before its text scrolls. */
export const COMPOSER_MAX_SHARE = 0.4;

/**
 * The composer's height for text that needs `contentHeight` px (wrapped lines included: the
 * measure is the textarea's scrollHeight, not its line breaks): its content, at least one line
 * (`minHeight`), at most COMPOSER_MAX_SHARE of the viewport; past that the text scrolls inside.
 */
export function composerHeight(
  contentHeight: number,
  viewportHeight: number,
  minHeight: number,
): { height: number; scrolls: boolean } {
  const limit = Math.max(minHeight, Math.floor(viewportHeight * COMPOSER_MAX_SHARE));
  return { height: Math.min(Math.max(contentHeight, minHeight), limit), scrolls: contentHeight > limit };
}
