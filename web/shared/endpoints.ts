/**
 * The API the pages talk to: the server that served them. GraphQL over HTTP at `/graphql`,
 * subscriptions over graphql-ws on the same path (`wss:` when the page came over HTTPS). Both are
 * same-origin, which the pages' `connect-src 'self'` allows.
 */
export function graphqlHttpUrl(location: Location = window.location): string {
  return new URL('/graphql', location.href).href;
}

export function graphqlWsUrl(location: Location = window.location): string {
  const url = new URL('/graphql', location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}
