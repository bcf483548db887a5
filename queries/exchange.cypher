// Exports and imports: the whole graph page by page, and flat tables for analysts.
// Pages are cursors on the unique `id` (WHERE id > $after ORDER BY id LIMIT $limit).

// name: exchange_nodes
// mode: read
// The label test skips a node a deleted one's label may still scan (see delete_nodes).
MATCH (n:{{label}})
WHERE n.id > $after AND '{{label}}' IN labels(n)
RETURN n.id AS id, properties(n) AS props
ORDER BY id
LIMIT $limit

// name: exchange_relationships
// mode: read
MATCH (a:{{start}})
WHERE a.id > $after
WITH a
ORDER BY a.id
LIMIT $limit
OPTIONAL MATCH (a)-[r:{{type}}]->(b:{{end}})
RETURN a.id AS start, b.id AS end, properties(r) AS props
ORDER BY start, end

// name: exchange_engagement_rows
// mode: read
MATCH (e:Engagement)
WHERE e.id > $after
WITH e
ORDER BY e.id
LIMIT $limit
OPTIONAL MATCH (e)-[:WITH_HCP]->(h:HCP)
OPTIONAL MATCH (e)-[:BY]->(m:Employee)
RETURN e.id AS id, properties(e) AS engagement, h.id AS hcp, h.name AS hcp_name,
       h.npi AS hcp_npi, m.name AS employee_name
ORDER BY id, hcp

// name: exchange_contact_rows
// mode: read
MATCH (e:Engagement)-[:WITH_HCP]->(h:HCP)
WHERE ($since IS NULL OR e.date >= $since) AND ($until IS NULL OR e.date <= $until)
WITH h, coalesce(e.department, 'unknown') AS department, e
RETURN h.id AS hcp_id, h.name AS hcp_name, h.npi AS npi, h.tier AS tier, h.segment AS segment,
       h.influence AS influence, department, count(e) AS contacts,
       min(e.date) AS first_date, max(e.date) AS last_date,
       sum(coalesce(e.amount, e.cost, 0.0)) AS spend,
       count(DISTINCT e.employee_id) AS employees, collect(DISTINCT e.type) AS types
ORDER BY hcp_id, department
