import { Router } from 'express';
import { APP_JS, FAVICON_SVG, INDEX_HTML, STYLE_CSS } from './web/page';

/** Only the proxy's own files: no inline script, no other host (the page shows what providers publish). */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

const FILES: Record<string, { type: string; body: string }> = {
  '/': { type: 'text/html; charset=utf-8', body: INDEX_HTML },
  '/index.html': { type: 'text/html; charset=utf-8', body: INDEX_HTML },
  '/app.js': { type: 'text/javascript; charset=utf-8', body: APP_JS },
  '/style.css': { type: 'text/css; charset=utf-8', body: STYLE_CSS },
  '/favicon.svg': { type: 'image/svg+xml', body: FAVICON_SVG },
};

/** The web page at /ocx/ (web/page.ts). */
export function exchangeWeb(): Router {
  const router = Router();
  router.get(Object.keys(FILES), (req, res) => {
    // Relative links in the page need the trailing slash.
    if (req.originalUrl.split('?')[0] === '/ocx') return res.redirect(301, '/ocx/');
    const file = FILES[req.path] as { type: string; body: string };
    res.setHeader('Content-Type', file.type);
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-cache');
    res.send(file.body);
  });
  return router;
}
