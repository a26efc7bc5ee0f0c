// Collects every Content-Security-Policy violation a browser context reports: the page's own
// securitypolicyviolation events (through a binding that survives navigations) and Chromium's
// console lines about the policy, so a blocked script or style can never pass unnoticed.
import type { BrowserContext, ConsoleMessage, Page } from 'playwright-core';

export class CspWatch {
  readonly violations: string[] = [];
  readonly pageErrors: string[] = [];

  private constructor() {}

  static async on(context: BrowserContext): Promise<CspWatch> {
    const watch = new CspWatch();
    await context.exposeBinding('__reportCspViolation', (_source, text: string) => {
      watch.violations.push(text);
    });
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        const report = (window as unknown as { __reportCspViolation(text: string): void }).__reportCspViolation;
        report(`${event.effectiveDirective} blocked ${event.blockedURI || '(inline)'} at ${event.sourceFile}:${event.lineNumber} on ${location.pathname}`);
      });
    });
    return watch;
  }

  /** Follows a page's console and errors (call for every page of the context). */
  follow(page: Page): Page {
    page.on('console', (message: ConsoleMessage) => {
      if (/Content[- ]Security[- ]Policy/i.test(message.text())) this.violations.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (err) => this.pageErrors.push(`${page.url()}: ${err.message}`));
    return page;
  }

  /** The violations seen since the last call. */
  take(): string[] {
    return this.violations.splice(0);
  }
}
