// The site's lessons: every lessons/**/*.mdx, validated by the same schema the server's check
// engine uses (lessons/schema.ts), with the same slug rule, so pages and checks always agree.
import { glob } from 'astro/loaders';
import { defineCollection } from 'astro:content';
import { LESSON_GLOB, lessonSchema, lessonSlug } from '../lessons/schema.js';

const lessons = defineCollection({
  loader: glob({ pattern: LESSON_GLOB, base: './lessons', generateId: ({ entry, data }) => lessonSlug(entry, data) }),
  schema: lessonSchema,
});

export const collections = { lessons };
