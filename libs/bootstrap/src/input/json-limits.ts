/**
 * Deepest nesting accepted in a JSON body. Real ActivityPub and Mastodon API payloads nest a
 * handful of levels; a 10,000-deep body would overflow the stack of recursive processing
 * (JSON-LD expansion, validation) further on.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether `text` (JSON) nests arrays/objects deeper than `max`, scanned without recursion. */
export function jsonDepthExceeds(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c)
        i++; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x7b || char === 0x5b) {
      if (++depth > max) return true;
    } else if (char === 0x7d || char === 0x5d) {
      depth--;
    }
  }
  return false;
}
