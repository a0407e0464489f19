const pictographic = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u;

/**
 * What an emoji is made of: pictographs, skin tones, flags' regional indicators and tags, the
 * joiner and variation selector of ZWJ sequences, and a keycap's base and mark. A combining
 * accent (or sixty) clings to the grapheme it follows, so counting graphemes alone let
 * "👍" with a tower of marks through as one emoji. Unicode's Emoji_Component is exactly those
 * non-pictographic parts (skin tones, regional indicators, tags, ZWJ, FE0F, keycap mark, #, *,
 * 0-9), so they need not be listed in a character class, where the marks would read as one
 * combined character.
 */
const emojiPart = /^(?:\p{Extended_Pictographic}|\p{Emoji_Component})+$/u;

/** True when `value` is exactly one emoji grapheme (flags, skin tones and ZWJ sequences included). */
export function isSingleEmoji(value: string): boolean {
  if (value.length === 0 || value.length > 64) return false;
  if (!emojiPart.test(value) || !pictographic.test(value)) return false;
  const segments = [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(value)];
  return segments.length === 1;
}
