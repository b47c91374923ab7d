// XML text handling: escaping for element text and attributes, and the entity decoder used when reading XML.
// Non-ASCII text (emoji, right-to-left scripts) is written as is (UTF-8); only XML's own specials are escaped.
import type { EntityDecoderOptions } from "fast-xml-parser";

/** Characters XML 1.0 cannot carry at all, not even escaped (most C0 controls, lone surrogates, U+FFFE/FFFF). */
const NOT_XML_CHARACTER = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Drops characters XML 1.0 cannot represent. */
export function xmlSafeCharacters(text: string): string {
  return text.replace(NOT_XML_CHARACTER, "");
}

const TEXT_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  "\r": "&#13;",
};

const ATTRIBUTE_ESCAPES: Record<string, string> = {
  ...TEXT_ESCAPES,
  "\n": "&#10;",
  "\t": "&#9;",
};

/** Escapes element content. Carriage returns are escaped so parsers do not normalise them away. */
export function escapeXmlText(text: string): string {
  return xmlSafeCharacters(text).replace(/[&<>"'\r]/g, (character) => TEXT_ESCAPES[character]);
}

/** Escapes an attribute value (for double-quoted attributes); newlines and tabs survive as references. */
export function escapeXmlAttribute(text: string): string {
  return xmlSafeCharacters(text).replace(/[&<>"'\r\n\t]/g, (character) => ATTRIBUTE_ESCAPES[character]);
}

const PREDEFINED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
const ENTITY_REFERENCE = /&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/g;

/** Replaces XML's five predefined entities and numeric character references; anything else stays as written. */
export function decodeXmlEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(ENTITY_REFERENCE, (reference, body: string) => {
    if (!body.startsWith("#")) return PREDEFINED_ENTITIES[body];
    const codePoint = body.startsWith("#x") ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
    const valid = codePoint <= 0x10ffff && !(codePoint >= 0xd800 && codePoint <= 0xdfff);
    return valid ? xmlSafeCharacters(String.fromCodePoint(codePoint)) || reference : reference;
  });
}

/**
 * An entity decoder for fast-xml-parser that knows only XML's predefined entities and character
 * references: entities declared in a document (and external entities) are never expanded.
 */
export function xmlOnlyEntityDecoder(): EntityDecoderOptions {
  return {
    setExternalEntities: () => undefined,
    addInputEntities: () => undefined,
    reset: () => undefined,
    setXmlVersion: () => undefined,
    decode: decodeXmlEntities,
  };
}
