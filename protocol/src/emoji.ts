const pictographic = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u;

/** True when `value` is exactly one emoji grapheme (flags, skin tones and ZWJ sequences included). */
export function isSingleEmoji(value: string): boolean {
  if (value.length === 0 || value.length > 64) return false;
  const segments = [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(value)];
  return segments.length === 1 && pictographic.test(value);
}
