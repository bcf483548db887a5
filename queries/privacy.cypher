// Data-subject requests for one HCP: export everything held, pseudonymise on erasure.
// Erasure keeps every node and relationship (so counts and aggregates stay the same)
// and replaces the property maps of the HCP and of the records about it.

// name: subject_links_out
// mode: read
MATCH (h:HCP {id: $id})-[r]->(o)
RETURN type(r) AS type, labels(o)[0] AS label, o.id AS id, properties(r) AS props,
       properties(o) AS node
ORDER BY type, id

// name: subject_links_in
// mode: read
MATCH (h:HCP {id: $id})<-[r]-(o)
RETURN type(r) AS type, labels(o)[0] AS label, o.id AS id, properties(r) AS props,
       properties(o) AS node
ORDER BY type, id

// name: replace_node_properties
// mode: write
// SET n = map replaces the whole property map (FalkorDB does not reliably remove
// properties through SET n += {key: null}).
UNWIND $rows AS row
MATCH (n:{{label}} {id: row.id})
SET n = row.props
RETURN count(n) AS n

// name: audit_pseudonymise_subject
// mode: write
// The one change ever made to audit events: a data-subject erasure replaces the erased
// HCP's id (as target, and quoted inside the JSON detail) with its pseudonym.
MATCH (a:AuditEvent)
WHERE a.target = $old OR a.detail CONTAINS $quoted
SET a.target = CASE WHEN a.target = $old THEN $new ELSE a.target END,
    a.detail = replace(a.detail, $quoted, $new_quoted)
RETURN count(a) AS n
