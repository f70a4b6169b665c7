// XML 1.0 text and attribute values, escaped so that any string from a results folder (a DMS problem detail,
// a threshold such as `p(95)<500`, a body snippet with control characters) yields a well-formed document.
// Pure, unit-tested (and each written junit.xml is checked by xmllint in the tests).
// Why not a library: xmlbuilder2 (tried) writes tab, LF and CR raw into attribute values, which every XML
// parser then reads back as spaces (attribute-value normalisation); JUnit failure messages span lines.

/**
 * Characters XML 1.0 does not allow at all (C0 controls other than tab, LF, CR; lone UTF-16 surrogates;
 * U+FFFE, U+FFFF), even escaped: each is replaced by U+FFFD so the text stays readable.
 */
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function xmlChars(value: unknown): string {
  return String(value ?? '').replace(NOT_XML_CHAR, '\uFFFD');
}

/** Text content of an element: `&`, `<` and `>` escaped (`>` for `]]>`). */
export function escapeXmlText(value: unknown): string {
  return xmlChars(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A double-quoted attribute value: also `"`, and tab, LF and CR as character references, since a parser
 * would otherwise turn them into spaces (attribute value normalisation).
 */
export function escapeXmlAttr(value: unknown): string {
  return escapeXmlText(value).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

export type XmlAttributes = Record<string, string | number | undefined>;

function attributeList(attributes: XmlAttributes): string {
  return Object.entries(attributes)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXmlAttr(v)}"`)
    .join('');
}

/** An opening tag `<name a="1">`; undefined attributes are left out. */
export function xmlOpenTag(name: string, attributes: XmlAttributes): string {
  return `<${name}${attributeList(attributes)}>`;
}

/** One element: `<name a="1">content</name>`, or `<name a="1"/>` when empty. `content` must be escaped XML already. */
export function xmlElement(name: string, attributes: XmlAttributes, content = ''): string {
  const attrs = attributeList(attributes);
  return content === '' ? `<${name}${attrs}/>` : `<${name}${attrs}>${content}</${name}>`;
}
