// KRM analytics (kolgraph.analytics) and the prescriber and quiz loaders that feed them.
// The speaker statements read no prescribing property or relationship, nor tier/segment
// (scoring folds prescribing potential into those); kolgraph.analytics.speakers checks it.

// ---------------------------------------------------------------- loaders

// name: partd_hcps_by_npi
UNWIND $npis AS npi
MATCH (h:HCP {npi: npi})
RETURN npi, h.id AS id
ORDER BY npi, id

// name: partd_refresh_claims
UNWIND $rows AS row
MATCH (h:HCP {id: row.hcp_id})-[:PRESCRIBED]->(p:PrescribingYear)
WITH h, max(p.year) AS latest
MATCH (h)-[:PRESCRIBED]->(q:PrescribingYear)
WHERE q.year = latest
WITH h, latest, sum(q.claims) AS claims
SET h.prescribing_claims = claims, h.prescribing_claims_year = latest

// name: quiz_hcps_by
UNWIND $values AS value
MATCH (h:HCP)
WHERE h.{{prop}} = value
RETURN value, h.id AS id
ORDER BY value, id
