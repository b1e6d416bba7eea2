/**
 * `&`, `<` and `>` as entities: text in an HTML page (webob's and swob's error pages) and XML character data
 * (Python's xml.etree.ElementTree._escape_cdata, which Swift's XML listings and bulk answers use). Pure.
 */
export function escapeMarkup(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
