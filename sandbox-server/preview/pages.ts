// The pages the preview answers with itself, instead of the app: nothing listening yet, the
// link expired or foreign, the sandbox ended, limits hit. Plain HTML, no script, no outside
// resource, each saying what happened and what to do.

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface PreviewPage {
  status: number;
  title: string;
  message: string;
  /** Seconds after which the page reloads itself (the app may be starting). */
  retryAfter?: number;
}

export function renderPage(page: PreviewPage): string {
  const refresh = page.retryAfter ? `<meta http-equiv="refresh" content="${page.retryAfter}">` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${refresh}
<title>${escape(page.title)} · Slipway preview</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1d2433;background:#fff}@media (prefers-color-scheme:dark){body{color:#e6e9ef;background:#12161f}}h1{font-size:1.3rem}small{color:#6b7385}</style>
</head><body><h1>${escape(page.title)}</h1><p>${escape(page.message)}</p>${page.retryAfter ? `<p><small>This page tries again every ${page.retryAfter} seconds.</small></p>` : ''}<p><small>Slipway preview</small></p></body></html>`;
}

export const pages = {
  nothingListens: (port: number): PreviewPage => ({
    status: 502,
    title: `Nothing answers on port ${port}`,
    message: `Nothing answers on port ${port} in your sandbox: is the container running and published? (docker ps shows its ports, e.g. 0.0.0.0:${port}->80/tcp.) Reload once it runs.`,
    retryAfter: 5,
  }),
  timedOut: (port: number): PreviewPage => ({
    status: 504,
    title: 'The app took too long',
    message: `The app on port ${port} sent nothing for too long, so the preview stopped waiting. Check its logs (docker logs NAME) and reload.`,
  }),
  noGrant: (): PreviewPage => ({
    status: 403,
    title: 'Open the preview from Slipway',
    message: 'This preview is not open in this browser, or its link was made for someone else. Open it again from the port in your lesson page (or, for an instructor, from the dashboard).',
  }),
  noSuchPreview: (): PreviewPage => ({
    status: 404,
    title: 'No such preview',
    message: 'This address names no preview open on this server: its sandbox may have ended, or the address was mistyped. Open the preview again from the port in your lesson page (or, for an instructor, from the dashboard).',
  }),
  linkExpired: (): PreviewPage => ({
    status: 403,
    title: 'This preview link has expired',
    message: 'Preview links work for a minute only. Open the preview again from the port in your lesson page.',
  }),
  sandboxEnded: (): PreviewPage => ({
    status: 410,
    title: 'This sandbox has ended',
    message: 'The sandbox this preview showed has ended, so its apps are gone. Start a fresh sandbox from the lesson page and run the app again.',
  }),
  tooMany: (limit: number): PreviewPage => ({
    status: 429,
    title: 'Too many requests at once',
    message: `The previews of this sandbox already have ${limit} requests open at once. Close some tabs or wait for the app to answer, then reload.`,
  }),
  tooLarge: (limit: string): PreviewPage => ({
    status: 413,
    title: 'Request too large',
    message: `A preview passes request bodies of up to ${limit} to the app.`,
  }),
};
