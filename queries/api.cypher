// The service's own bookkeeping: API keys (stored hashed) and the append-only audit log.
// Audit events are only ever CREATEd here; no statement updates or deletes them.

// name: create_api_key
// mode: write
CREATE (k:ApiKey {id: $id})
SET k += $props

// name: api_key_by_id
// mode: read
MATCH (k:ApiKey {id: $id})
RETURN properties(k) AS key

// name: api_keys
// mode: read
MATCH (k:ApiKey)
RETURN properties(k) AS key
ORDER BY k.created_at

// name: revoke_api_key
// mode: write
MATCH (k:ApiKey {key_id: $key_id})
SET k.revoked = true, k.revoked_at = $at
RETURN properties(k) AS key

// name: append_audit_events
// mode: write
// MERGE on the event's unique id: a statement the store retries after a restart, having
// applied it once already, adds nothing (ON CREATE SET never changes an existing event).
UNWIND $rows AS row
MERGE (a:AuditEvent {id: row.id})
ON CREATE SET a += row.props

// name: audit_events
// mode: read
MATCH (a:AuditEvent)
WHERE a.at >= $date_from AND a.at < $date_to
  AND ($actor IS NULL OR a.actor = $actor)
  AND ($action IS NULL OR a.action = $action)
  AND ($target IS NULL OR a.target = $target)
  AND ($after IS NULL OR a.id > $after)
RETURN properties(a) AS event
ORDER BY a.id
LIMIT $limit

// name: hcp_industry_payments
// mode: read
// Open Payments disclosures received by one HCP (every manufacturer), newest first.
MATCH (p:Payment)-[:PAID_TO]->(h:HCP {id: $id})
OPTIONAL MATCH (p)-[:ABOUT_PRODUCT]->(pr:Product)
WITH p, collect(pr.name) AS products
RETURN p.id AS id, p.date AS date, p.amount AS amount, p.manufacturer AS manufacturer,
       p.nature_of_payment AS nature, p.form_of_payment AS form, p.research AS research,
       p.study AS study, p.nct_id AS nct_id, coalesce(p.ours, false) AS ours,
       products
ORDER BY date DESC, id
