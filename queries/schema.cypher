// Schema: uniqueness of every node's id, and indexes for every lookup.
// The two dialects really differ here. FalkorDB's uniqueness constraints are a
// server command (GRAPH.CONSTRAINT), issued by the FalkorDB backend after the
// exact-match index below exists.

// name: create_unique_id
// mode: write
// dialect: neo4j
CREATE CONSTRAINT IF NOT EXISTS FOR (n:{{label}}) REQUIRE n.id IS UNIQUE

// name: create_unique_id
// mode: write
// dialect: falkordb
CREATE INDEX FOR (n:{{label}}) ON (n.id)

// name: create_index
// mode: write
// dialect: neo4j
CREATE INDEX IF NOT EXISTS FOR (n:{{label}}) ON (n.{{prop}})

// name: create_index
// mode: write
// dialect: falkordb
CREATE INDEX FOR (n:{{label}}) ON (n.{{prop}})
