// Mounts GraphiQL (UMD globals React, ReactDOM, GraphiQL) against the
// /graphql endpoint next to this page, opening with the example tabs the
// server put in #policykb-tabs. Nothing is loaded from elsewhere.
(function () {
  'use strict';
  var tabs = JSON.parse(document.getElementById('policykb-tabs').textContent);
  var fetcher = GraphiQL.createFetcher({ url: new URL('graphql', window.location.href).toString() });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultTabs: tabs,
    defaultEditorToolsVisibility: true,
  }));
})();
