import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { setNonce } from 'get-nonce';
import { GraphiQL } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import 'graphiql/style.css';
import '../shared/page.css';
import './graphiql.css';
import { cspNonce } from '../shared/csp-nonce';
import { graphqlHttpUrl, graphqlWsUrl } from '../shared/endpoints';
import { watchAccessibility } from './accessibility';

// GraphiQL for the API it is served by (docs/web.md): queries and mutations over HTTP POST to
// /graphql, subscriptions over graphql-ws on the same path. The headers editor is where the API
// key goes; headers are kept for this tab only (GraphiQL does not persist them by default).

// Radix dialogs (settings, shortcuts) add a <style> element while open: it carries the nonce.
const nonce = cspNonce();
if (nonce) setNonce(nonce);

const fetcher = createGraphiQLFetcher({ url: graphqlHttpUrl(), subscriptionUrl: graphqlWsUrl() });

const DEFAULT_QUERY = `# GitHub Insights API. Put your API key in the Headers tab below:
#   {"Authorization": "Bearer <key>"}
# then run a query with Ctrl-Enter, for example:

query Viewer {
  viewer {
    authenticated
    keyPrefix
    role
  }
}
`;

const container = document.getElementById('graphiql');
if (!container) throw new Error('index.html has no #graphiql element');
createRoot(container).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      defaultQuery={DEFAULT_QUERY}
      defaultHeaders={JSON.stringify({ Authorization: 'Bearer <key>' }, null, 2)}
      isHeadersEditorEnabled
      defaultEditorToolsVisibility="headers"
      shouldPersistHeaders={false}
    />
  </StrictMode>,
);
watchAccessibility(container);
