// A lesson page inside a workshop: "Lesson k of n", the lesson list and the previous/next pager
// count and link only the workshop's lessons, in its order; the last one's "next" leads back to
// the workshop's lessons on the home page, never outside it. The page is built once for
// everyone, so this happens in the browser once GET /api/classroom/me has answered; until then
// the page keeps those parts hidden (data-scoping, with a CSS fallback), so nothing wrong shows.
import type { LearnerState } from '../../contract/classroom-events.js';

function link(href: string, text: string, rel?: string): HTMLAnchorElement {
  const a = document.createElement('a');
  a.href = href;
  a.textContent = text;
  if (rel) a.rel = rel;
  return a;
}

/** Scopes `page` (the .lesson element of lesson `slug`) to the learner's workshop, if any; outside one it stays as built. */
export function scopeToWorkshop(page: HTMLElement, slug: string, me: LearnerState | undefined): void {
  // A removed learner is no longer in the workshop: the curriculum as everyone sees it.
  if (me && me.status !== 'removed' && me.workshop.lessons.length) {
    const lessons = me.workshop.lessons;
    const index = lessons.findIndex((lesson) => lesson.slug === slug);
    const position = page.querySelector<HTMLElement>('.lesson-position')!;
    position.textContent = index >= 0 ? `Lesson ${index + 1} of ${lessons.length}` : 'Not part of your workshop';
    page.querySelector('.lesson-index summary')!.textContent = "The workshop's lessons";
    // The built list holds every lesson: keep the workshop's, in its order.
    const list = page.querySelector<HTMLOListElement>('.lesson-index ol')!;
    const items = new Map([...list.children].map((item) => [(item as HTMLElement).dataset.lesson, item]));
    list.replaceChildren(...lessons.flatMap((lesson) => items.get(lesson.slug) ?? []));
    const pager = page.querySelector<HTMLElement>('.pager')!;
    const previous = lessons[index - 1];
    const next = index >= 0 ? lessons[index + 1] : lessons[0];
    pager.replaceChildren(
      previous ? link(`/lessons/${previous.slug}/`, `← ${previous.title}`, 'prev') : document.createElement('span'),
      next ? link(`/lessons/${next.slug}/`, index >= 0 ? `${next.title} →` : `Back to your workshop: ${next.title} →`, 'next') : link('/', "Back to the workshop's lessons →"),
    );
  }
  delete page.dataset.scoping;
}
