/** Checks `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the webhook's secret, `sha256=<hex>`). */
export type SignatureCheck = (body: string, signature: string) => Promise<boolean>;

/**
 * The check of @octokit/webhooks (constant-time comparison), loaded once: the package ships only
 * as ES modules, so it is imported dynamically from this CommonJS project (as Octokit is).
 */
export async function loadSignatureCheck(secret: string): Promise<SignatureCheck> {
  const { Webhooks } = await import('@octokit/webhooks');
  const webhooks = new Webhooks({ secret });
  return async (body, signature) => {
    try {
      return await webhooks.verify(body, signature);
    } catch {
      return false; // a malformed signature header is a wrong one
    }
  };
}
