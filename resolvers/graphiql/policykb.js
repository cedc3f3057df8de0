// Mounts GraphiQL (UMD globals React, ReactDOM, GraphiQL) against the
// /graphql endpoint next to this page, opening with the example tabs the
// server put in #policykb-tabs. A page address ?query=...&variables=...
// (as the explorer's "Open in GraphiQL" links give) opens with that query.
// Nothing is loaded from elsewhere.
(function () {
  'use strict';
  var tabs = JSON.parse(document.getElementById('policykb-tabs').textContent);
  var fetcher = GraphiQL.createFetcher({ url: new URL('graphql', window.location.href).toString() });
  var params = new URLSearchParams(window.location.search);
  var props = { fetcher: fetcher, defaultTabs: tabs, defaultEditorToolsVisibility: true };
  if (params.get('query')) {
    props.query = params.get('query');
    props.variables = params.get('variables') || '';
  }
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, props));
})();
