// Generates the reference part of docs/authoring.md from the lesson schema's .describe() texts
// and the examples, so the guide and the schema cannot drift apart. The hand-written part of
// the guide stays outside the markers.
import { z } from 'zod';
import { checkKinds, lessonSchema } from '../../lessons/schema.js';
import { checkExamples, lessonExample } from './examples.js';

export const BEGIN = '<!-- BEGIN GENERATED REFERENCE: from lessons/schema.ts by `npm run lessons:docs`; do not edit by hand -->';
export const END = '<!-- END GENERATED REFERENCE -->';

export interface FieldRow {
  path: string;
  type: string;
  required: boolean;
  description: string | undefined;
}

/** Peels optional, lazy and refinement wrappers, noting whether the field was optional. */
function unwrap(schema: z.ZodTypeAny): { inner: z.ZodTypeAny; optional: boolean; description: string | undefined } {
  let inner = schema;
  let optional = false;
  let description = schema.description;
  for (;;) {
    if (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable || inner instanceof z.ZodDefault) {
      optional = true;
      inner = inner._def.innerType;
    } else if (inner instanceof z.ZodEffects) inner = inner._def.schema;
    else if (inner instanceof z.ZodLazy) inner = inner._def.getter();
    else break;
    description ??= inner.description;
  }
  return { inner, optional, description };
}

const isCheck = (schema: z.ZodTypeAny) => schema instanceof z.ZodDiscriminatedUnion;

export function typeName(schema: z.ZodTypeAny): string {
  const { inner } = unwrap(schema);
  if (isCheck(inner)) return 'check';
  if (inner instanceof z.ZodString) return 'text';
  if (inner instanceof z.ZodNumber) return inner.isInt ? 'integer' : 'number';
  if (inner instanceof z.ZodBoolean) return '`true` or `false`';
  if (inner instanceof z.ZodLiteral) return `\`${String(inner.value)}\``;
  if (inner instanceof z.ZodEnum) return (inner.options as string[]).map((o) => `\`${o}\``).join(', ');
  if (inner instanceof z.ZodArray) return `list of ${typeName(inner.element)}${isCheck(unwrap(inner.element).inner) ? 's' : ''}`;
  if (inner instanceof z.ZodRecord) return `map of name to ${typeName(inner._def.valueType)}`;
  if (inner instanceof z.ZodUnion) return (inner.options as z.ZodTypeAny[]).map(typeName).join(' or ');
  if (inner instanceof z.ZodObject) return 'object';
  return inner.constructor.name;
}

/** Every field of an object schema, nested objects flattened as `parent.child` / `list[].child`. */
export function fieldRows(object: z.AnyZodObject, prefix = ''): FieldRow[] {
  return Object.entries(object.shape as Record<string, z.ZodTypeAny>).flatMap(([key, schema]) => {
    const { inner, optional, description } = unwrap(schema);
    const path = `${prefix}${key}`;
    const rows: FieldRow[] = [{ path, type: typeName(schema), required: !optional, description }];
    const nested = (s: z.ZodTypeAny, sub: string): FieldRow[] => {
      const u = unwrap(s).inner;
      if (u instanceof z.ZodObject) return fieldRows(u, sub);
      if (u instanceof z.ZodUnion) return (u.options as z.ZodTypeAny[]).flatMap((o) => nested(o, sub));
      return [];
    };
    if (inner instanceof z.ZodObject) rows.push(...fieldRows(inner, `${path}.`));
    else if (inner instanceof z.ZodArray && !isCheck(unwrap(inner.element).inner)) rows.push(...nested(inner.element, `${path}[].`));
    else if (inner instanceof z.ZodUnion) rows.push(...nested(inner, `${path}.`));
    return rows;
  });
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(rows: FieldRow[]): string {
  return [
    '| Field | Type | Required | What it means |',
    '|---|---|---|---|',
    ...rows.map((r) => `| \`${r.path}\` | ${cell(r.type)} | ${r.required ? 'yes' : 'no'} | ${cell(r.description ?? '')} |`),
  ].join('\n');
}

export function renderReference(): string {
  const parts: string[] = [
    BEGIN,
    '',
    '## Reference',
    '',
    'A complete lesson file:',
    '',
    '```mdx',
    lessonExample.trim(),
    '```',
    '',
    '### Lesson fields (`steps[]` are the fields of each step)',
    '',
    table(fieldRows(lessonSchema)),
    '',
    '### Check kinds',
    '',
    'Every check has `kind` and may have `label`. The kinds:',
    '',
    ...Object.entries(checkKinds).map(([kind, schema]) => `- [\`${kind}\`](#kind-${kind}): ${schema.description ?? ''}`),
    '',
  ];
  for (const [kind, schema] of Object.entries(checkKinds) as Array<[keyof typeof checkKinds, z.AnyZodObject]>) {
    parts.push(
      `#### <a id="kind-${kind}"></a>\`${kind}\``,
      '',
      schema.description ?? '',
      '',
      table(fieldRows(schema).filter((r) => r.path !== 'kind')),
      '',
      'Example:',
      '',
      '```yaml',
      checkExamples[kind].trim(),
      '```',
      '',
    );
  }
  parts.push(END);
  return parts.join('\n');
}

/** The guide with its generated part replaced by the current one. */
export function updateAuthoringDoc(text: string): string {
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`docs/authoring.md lacks the markers ${BEGIN} ... ${END}`);
  return `${text.slice(0, begin)}${renderReference()}${text.slice(end + END.length)}`;
}
