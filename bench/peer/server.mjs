// The policykb graph behind @neo4j/graphql 7, served over HTTP for the
// benchmark's peer column (bench/query). The type definitions describe the
// graph policykb writes (graph/write.go):
//
//   (:City)-[:ISSUED]->(:Document)-[:HAS_SENTENCE]->(:Sentence)-[:CODED_AS]->(:Code)-[:BELONGS_TO]->(:Code)
//
// Only the library's generated queries, filters and aggregations are used:
// no @cypher field. policykb's derived ROLLUP relationships are
// deliberately not declared, so the library answers from the sentences, as
// a user of it would.
//
// Environment: NEO4J_URI (bolt://...), NEO4J_USER / NEO4J_PASSWORD (empty:
// no authentication), PORT (0: a free port). Prints "listening <url>" once
// ready. POST /graphql takes {"query", "variables"}; GET /healthz answers ok.
import http from "node:http";
import { graphql } from "graphql";
import neo4j from "neo4j-driver";
import { Neo4jGraphQL } from "@neo4j/graphql";

export const typeDefs = /* GraphQL */ `
  type City @node {
    name: String!
    nameZh: String
    province: String
    documents: [Document!]! @relationship(type: "ISSUED", direction: OUT)
  }

  type Document @node {
    id: ID!
    title: String
    issuedOn: Date
    city: [City!]! @relationship(type: "ISSUED", direction: IN)
    sentences: [Sentence!]! @relationship(type: "HAS_SENTENCE", direction: OUT)
  }

  type Sentence @node {
    id: ID!
    index: Int!
    kind: String
    text: String!
    document: [Document!]! @relationship(type: "HAS_SENTENCE", direction: IN)
    codes: [Code!]! @relationship(type: "CODED_AS", direction: OUT, properties: "Coding")
  }

  type Coding @relationshipProperties {
    coder: String
    origin: String
  }

  type Code @node {
    id: ID!
    level: String!
    number: Int
    name: String!
    nameZh: String
    ord: Int
    parent: [Code!]! @relationship(type: "BELONGS_TO", direction: OUT)
    children: [Code!]! @relationship(type: "BELONGS_TO", direction: IN)
    sentences: [Sentence!]! @relationship(type: "CODED_AS", direction: IN, properties: "Coding")
  }
`;

const uri = process.env.NEO4J_URI || "bolt://127.0.0.1:7687";
const user = process.env.NEO4J_USER || "";
const auth = user ? neo4j.auth.basic(user, process.env.NEO4J_PASSWORD || "") : undefined;
const driver = neo4j.driver(uri, auth, { maxConnectionPoolSize: 64 });
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/healthz") {
    res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
    return;
  }
  if (req.method !== "POST" || req.url !== "/graphql") {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", async () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch (e) {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ errors: [{ message: "body is not JSON: " + e.message }] }));
      return;
    }
    const result = await graphql({
      schema,
      source: body.query,
      variableValues: body.variables,
      contextValue: {},
    });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(result));
  });
});

server.listen(Number(process.env.PORT || 0), "127.0.0.1", () => {
  console.log(`listening http://127.0.0.1:${server.address().port}/graphql`);
});

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    server.close();
    driver.close().finally(() => process.exit(0));
  });
}
