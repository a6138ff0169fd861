import type { RegionLevel } from "../../core/regions/routing.ts";

/**
 * The names residents and offices use for a place: the statistical name of a
 * village committee ("十八洞村村民委员会", "龙潭社区居委会") is not what anyone
 * writes in a report ("十八洞村", "十八洞"). Pure.
 */

const committeeSuffixes: [string, string][] = [
  ["村民委员会", "村"],
  ["村委会", "村"],
  ["社区居民委员会", "社区"],
  ["社区居委会", "社区"],
  ["居民委员会", "社区"],
  ["居委会", "社区"],
];

/** The level a statistical code stands for: 6 digits a county, 9 a township, 12 a village or community, 15 a group or grid. */
export function levelOfCode(code: string): RegionLevel | null {
  return ({ 6: "COUNTY", 9: "TOWNSHIP", 12: "VILLAGE", 15: "GROUP" } as const)[code.length as 6 | 9 | 12 | 15] ?? null;
}

/** A code as the tree keeps it: 12-digit statistical codes of a county or township lose their trailing zeros. */
export function normaliseCode(text: string): string {
  const code = text.replace(/\s+/g, "");
  return /^\d{12}$/.test(code) ? code.replace(/^(\d{6}|\d{9})0+$/, "$1") : code;
}

/** The code of the place above: the code without its last part (15 → 12 → 9 → 6 digits). */
export function parentCodeOf(code: string): string | null {
  return code.length > 6 ? code.slice(0, code.length - 3) : null;
}

/** The everyday name of a place, and the other names a report may use for it. */
export function placeNames(fullName: string, level: RegionLevel): { name: string; aliases: string[] } {
  const full = fullName.trim();
  let name = full;
  if (level === "VILLAGE") {
    for (const [suffix, kind] of committeeSuffixes) {
      if (!full.endsWith(suffix)) continue;
      const base = full.slice(0, -suffix.length);
      name = base.endsWith(kind) ? base : `${base}${kind}`;
      break;
    }
  }
  const aliases = new Set<string>();
  if (name !== full) aliases.add(full);
  // The bare stem ("十八洞", "龙潭", "柳溪") when it is still a name of two or more characters.
  const stem = name.replace(/(村|社区|街道|镇|乡|县|区)$/, "");
  if (stem !== name && stem.length >= 2) aliases.add(stem);
  return { name, aliases: [...aliases] };
}
