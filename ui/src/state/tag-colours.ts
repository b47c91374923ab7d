// The colour a tag is shown in across the programme: a hue chosen from the tag's text alone, so every device and
// every screen shows the same tag in the same colour, with no colour stored in the festival.
const HUE_STEPS = 24;

/** A hue (0-359, in steps of 15) for `tag`, the same for the same text whatever its case or spacing. */
export function tagHue(tag: string): number {
  const text = tag.trim().toLowerCase();
  let hash = 2166136261;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 16777619);
  }
  return ((hash >>> 0) % HUE_STEPS) * (360 / HUE_STEPS);
}
