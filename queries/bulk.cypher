// First-load writes: CREATE without MERGE, for a store known to hold none of these nodes
// (see GraphStore.bulk_create). FalkorDB loads through GRAPH.BULK instead; these are the
// portable path (Neo4j), sent in large batches, one transaction each.

// name: bulk_create_nodes
// mode: write
// Rows: id, props (no nulls).
UNWIND $rows AS row
CREATE (n:{{label}} {id: row.id})
SET n += row.props

// name: bulk_create_relationships
// mode: write
// Rows: start, end (node ids), props; both nodes exist (created by bulk_create_nodes).
UNWIND $rows AS row
MATCH (a:{{start}} {id: row.start})
MATCH (b:{{end}} {id: row.end})
CREATE (a)-[r:{{type}}]->(b)
SET r += row.props

// name: count_all_nodes
// mode: read
MATCH (n)
RETURN count(n) AS n

// name: ingest_runs
// mode: read
MATCH (r:IngestRun)
RETURN r.id AS id, r.status AS status, r.file AS file
