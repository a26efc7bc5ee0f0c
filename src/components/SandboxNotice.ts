// Events the lesson page sends the sandbox notice banner (SandboxNotice.astro).

/** detail: the session's notices, newest first (from the session view when the page opens). */
export const NOTICE_SHOW_EVENT = 'slipway:notices-known';
/** The sandbox ended or was replaced: what the banner says is about a sandbox that is gone. */
export const NOTICE_CLEAR_EVENT = 'slipway:notices-clear';
