const pictographic = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u;

/**
 * What an emoji is made of: pictographs, skin tones, flags' regional indicators and tags, the
 * joiner and variation selector of ZWJ sequences, and a keycap's base and mark. A combining
 * accent (or sixty) clings to the grapheme it follows, so counting graphemes alone let
 * "👍" with a tower of marks through as one emoji.
 */
const emojiPart = /^(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|[\u200D\uFE0F\u20E3#*0-9\u{E0020}-\u{E007F}])+$/u;

/** True when `value` is exactly one emoji grapheme (flags, skin tones and ZWJ sequences included). */
export function isSingleEmoji(value: string): boolean {
  if (value.length === 0 || value.length > 64) return false;
  if (!emojiPart.test(value) || !pictographic.test(value)) return false;
  const segments = [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(value)];
  return segments.length === 1;
}
