// Statements of the registry, payment, CRM, congress and trial loaders (ingest/).

// name: source_nodes
// mode: read
// Every node of one label with its properties (loader checks and sample generation).
MATCH (n:{{label}})
RETURN n.id AS id, properties(n) AS props
ORDER BY id
