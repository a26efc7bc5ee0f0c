// Which Debian packages the package cache should hold before class: those the lessons declare
// (`packages: { apt: [...] }`) and the operator's own list (SLIPWAY_WARM_APT), once each.

/** The part of a lesson's frontmatter that names packages. */
export interface DeclaresPackages {
  packages?: { apt?: string[] } | undefined;
}

/** Package names from a list such as "curl, git  jq" (the setting's format). */
export function splitPackageList(list: string): string[] {
  return list.split(/[\s,]+/).filter(Boolean);
}

export function wantedPackages(lessons: DeclaresPackages[], operatorList: string): string[] {
  const names = [...lessons.flatMap((l) => l.packages?.apt ?? []), ...splitPackageList(operatorList)];
  return [...new Set(names)].sort();
}
