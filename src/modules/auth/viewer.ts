import type { ApiKeyRole } from './api-key.entity';

/** Who is calling: resolved once per request (HTTP) or per connection (WebSocket). */
export type Viewer =
  | { readonly kind: 'anonymous'; readonly ip: string }
  | {
      readonly kind: 'apiKey';
      readonly ip: string;
      readonly keyId: string;
      readonly keyPrefix: string;
      readonly role: ApiKeyRole;
    };

export function anonymousViewer(ip: string): Viewer {
  return { kind: 'anonymous', ip };
}
