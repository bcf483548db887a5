// Generic writes and bookkeeping shared by every loader and by scoring.
// Labels and relationship types in {{...}} come from kolgraph.schema's allow-list.

// name: upsert_nodes
// mode: write
UNWIND $rows AS row
MERGE (n:{{label}} {id: row.id})
SET n += row.props

// name: upsert_relationships
// mode: write
UNWIND $rows AS row
MATCH (a:{{start}} {id: row.start})
MATCH (b:{{end}} {id: row.end})
MERGE (a)-[r:{{type}}]->(b)
SET r += row.props

// name: delete_relationships
// mode: write
UNWIND $rows AS row
MATCH (a:{{start}} {id: row.start})-[r:{{type}}]->(b:{{end}} {id: row.end})
DELETE r

// name: delete_nodes
// mode: write
// The label goes first: FalkorDB can keep a deleted node in its label's scan once the
// node's id is reused by a node of another label (tests/store/test_deleted_labels.py).
UNWIND $rows AS row
MATCH (n:{{label}} {id: row.id})
REMOVE n:{{label}}
DETACH DELETE n

// name: node_by_id
// mode: read
MATCH (n:{{label}} {id: $id})
RETURN properties(n) AS props

// name: nodes_by_ids
// mode: read
UNWIND $ids AS id
MATCH (n:{{label}} {id: id})
RETURN properties(n) AS props

// name: relationships_of_type
// mode: read
MATCH (a:{{start}})-[r:{{type}}]->(b:{{end}})
RETURN a.id AS start, b.id AS end, properties(r) AS props
ORDER BY start, end

// name: count_nodes
// mode: read
MATCH (n)
RETURN labels(n)[0] AS label, count(n) AS n

// name: count_relationships
// mode: read
MATCH ()-[r]->()
RETURN type(r) AS type, count(r) AS n

// name: count_label
// mode: read
MATCH (n:{{label}})
RETURN count(n) AS n

// name: count_type
// mode: read
MATCH ()-[r:{{type}}]->()
RETURN count(r) AS n

// name: list_labels
// mode: read
CALL db.labels() YIELD label
RETURN label

// name: list_relationship_types
// mode: read
CALL db.relationshipTypes() YIELD relationshipType
RETURN relationshipType AS type

// name: delete_all
// mode: write
MATCH (n)
DETACH DELETE n

// name: ping
// mode: read
RETURN 1 AS ok
