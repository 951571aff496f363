/** Mastodon's CustomEmoji entity (remote servers' emoji; FediFlow has none of its own). */
export interface CustomEmojiJson {
  shortcode: string;
  url: string;
  static_url: string;
  visible_in_picker: boolean;
  category: null;
}

/**
 * SQL for the `emojis` of a status or account, as Mastodon lists them: the custom emoji of the
 * author's domain whose `:shortcode:` occurs in `textSql` (a local author, domain NULL, has none).
 */
export function customEmojisSql(domainSql: string, textSql: string): string {
  return `coalesce((SELECT json_agg(json_build_object('shortcode', ce.shortcode, 'url', ce.url,
            'static_url', coalesce(ce.static_url, ce.url), 'visible_in_picker', false,
            'category', NULL) ORDER BY ce.shortcode)
       FROM custom_emojis ce
      WHERE ce.domain = ${domainSql}
        AND ce.shortcode IN (SELECT (regexp_matches(${textSql}, ':([A-Za-z0-9_+-]+):', 'g'))[1])),
     '[]')`;
}
