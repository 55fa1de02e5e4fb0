/** Text out of an XMP packet, for the personal-data scan (no XML parser: only character data is wanted). */

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The character data of an XMP packet, one text node a line; tags, comments and PIs dropped. */
export function xmpText(xml: string): string {
  const lines: string[] = [];
  let at = 0;
  while (at < xml.length) {
    const open = xml.indexOf('<', at);
    const text = (open === -1 ? xml.slice(at) : xml.slice(at, open)).trim();
    if (text) {
      lines.push(
        text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (entity, body: string) => {
          if (body[0] !== '#') return ENTITIES[body] ?? entity;
          const code = body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
          return code <= 0x10ffff ? String.fromCodePoint(code) : entity;
        }),
      );
    }
    if (open === -1) break;
    const close = xml.indexOf('>', open);
    if (close === -1) break;
    at = close + 1;
  }
  return lines.join('\n');
}
