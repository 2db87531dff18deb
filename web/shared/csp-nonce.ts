/**
 * The per-response CSP nonce the server puts in `<meta property="csp-nonce" nonce="...">`
 * (src/http/web-pages.ts). Libraries that add <style> elements at run time need it: the pages'
 * `style-src` allows only files from the server and elements carrying this nonce. Browsers hide the
 * attribute's value from `getAttribute` once the page is loaded; the `nonce` property keeps it.
 */
export function cspNonce(): string | undefined {
  const meta = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]');
  return meta?.nonce || undefined;
}
