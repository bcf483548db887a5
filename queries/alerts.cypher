// Alerts for the KRM dashboard and GET /alerts, and acknowledged conflicts.
// Read and written by kolgraph.krm.alerts.

// name: spend_over_cap
// mode: read
MATCH (e:Engagement)-[:WITH_HCP]->(h:HCP)
WHERE e.date >= $year_start AND coalesce(e.date, $until) <= $until
WITH h, sum(coalesce(e.amount, e.cost, 0.0)) AS spend
WHERE spend > $cap
RETURN h.id AS id, h.name AS name, h.tier AS tier, spend
ORDER BY spend DESC, id
LIMIT $limit

// name: recent_department_contacts
// mode: read
MATCH (e:Engagement)-[:WITH_HCP]->(h:HCP)
WHERE e.date >= $since AND coalesce(e.date, $until) <= $until AND e.department IS NOT NULL
RETURN h.id AS id, h.name AS name, h.tier AS tier, e.id AS engagement_id,
       e.department AS department, e.date AS date
ORDER BY id, date

// name: save_conflict_ack
// mode: write
MATCH (h:HCP {id: $hcp_id})
MERGE (a:ConflictAck {id: $id})
SET a += $props
MERGE (a)-[:ACK_FOR]->(h)
RETURN properties(a) AS ack

// name: conflict_acks_of_hcp
// mode: read
MATCH (a:ConflictAck)-[:ACK_FOR]->(h:HCP {id: $hcp_id})
RETURN properties(a) AS ack
ORDER BY a.at DESC

// name: conflict_acks_since
// mode: read
MATCH (a:ConflictAck)
WHERE coalesce(a.first_date, $since) >= $since
RETURN a.hcp_id AS hcp_id, a.key AS key
