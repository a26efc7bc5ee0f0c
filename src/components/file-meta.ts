// The file a lesson's code block names in its meta string (```yaml title="compose.yaml"), kept
// apart from the buttons so the fast tier reads it without a page.

/** The file a block names in its meta string: title="path" (or title=path). */
export function fileOf(meta: string | undefined): string | undefined {
  if (!meta) return undefined;
  const found = /(?:^|\s)title=(?:"([^"]*)"|'([^']*)'|(\S+))/.exec(meta);
  const title = (found?.[1] ?? found?.[2] ?? found?.[3])?.trim();
  return title ? title.replace(/^~\/workshop\//, '').replace(/^\.\//, '') : undefined;
}
