// The HTML document around every page: inline CSS and script, and a Content-Security-Policy that
// forbids every fetch (default-src 'none') and every script but ours (by hash). The page needs no
// network by design; the CSP makes that hold even if a renderer bug let markup through.
import { createHash } from 'node:crypto';
import type { ComponentChildren } from 'preact';
import { CLIENT_SCRIPT } from './client-script.ts';
import { STYLES } from './styles.ts';

const SCRIPT_HASH = createHash('sha256').update(CLIENT_SCRIPT).digest('base64');
export const CONTENT_SECURITY_POLICY = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${SCRIPT_HASH}'; img-src data:; base-uri 'none'`;

export function PageShell({ title, nav, children, footer }: { title: string; nav: { href: string; label: string }[]; children: ComponentChildren; footer: string }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta http-equiv="Content-Security-Policy" content={CONTENT_SECURITY_POLICY} />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{title}</title>
        <style dangerouslySetInnerHTML={{ __html: STYLES }} />
      </head>
      <body>
        <header class="top">
          <h1>{title}</h1>
          <nav>{nav.map((n) => <a href={n.href}>{n.label}</a>)}</nav>
        </header>
        <main>
          {children}
          <footer>{footer}</footer>
        </main>
        <script dangerouslySetInnerHTML={{ __html: CLIENT_SCRIPT }} />
      </body>
    </html>
  );
}
