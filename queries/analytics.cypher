// KRM analytics (kolgraph.analytics) and the prescriber and quiz loaders that feed them.
// The speaker statements read no prescribing property or relationship, nor tier/segment
// (scoring folds prescribing potential into those); kolgraph.analytics.speakers checks it.

// ---------------------------------------------------------------- loaders

// name: partd_hcps_by_npi
// mode: read
UNWIND $npis AS npi
MATCH (h:HCP {npi: npi})
RETURN npi, h.id AS id
ORDER BY npi, id

// name: partd_refresh_claims
// mode: write
UNWIND $rows AS row
MATCH (h:HCP {id: row.hcp_id})-[:PRESCRIBED]->(p:PrescribingYear)
WITH h, max(p.year) AS latest
MATCH (h)-[:PRESCRIBED]->(q:PrescribingYear)
WHERE q.year = latest
WITH h, latest, sum(q.claims) AS claims
SET h.prescribing_claims = claims, h.prescribing_claims_year = latest

// name: quiz_hcps_by
// mode: read
UNWIND $values AS value
MATCH (h:HCP)
WHERE h.{{prop}} = value
RETURN value, h.id AS id
ORDER BY value, id

// ---------------------------------------------------------------- coverage

// name: coverage_contacts
// mode: read
MATCH (h:HCP)
WHERE h.influence IS NOT NULL
OPTIONAL MATCH (h)<-[:WITH_HCP]-(e:Engagement)
WHERE e.date >= $since AND coalesce(e.date, '') <= $until AND e.department IS NOT NULL
  AND coalesce(e.planned, false) = false
RETURN h.id AS id, h.name AS name, h.influence AS influence, h.tier AS tier,
       h.segment AS segment, e.department AS department, count(e) AS engagements,
       sum(coalesce(e.amount, e.cost, 0.0)) AS spend, max(e.date) AS last_date

// name: coverage_last_contacts
// mode: read
MATCH (h:HCP)<-[:WITH_HCP]-(e:Engagement)
WHERE h.influence IS NOT NULL AND coalesce(e.date, '') <= $until
  AND e.department IS NOT NULL AND coalesce(e.planned, false) = false
RETURN h.id AS id, max(e.date) AS last_date

// ---------------------------------------------------------------- speakers
// Only the prescribing-free features of kolgraph.analytics.speakers.SPEAKER_FEATURES.

// name: speaker_profiles
// mode: read
MATCH (h:HCP)
WHERE h.rising_star = true OR h.scientific IS NOT NULL OR h.congress IS NOT NULL
   OR h.trials IS NOT NULL OR h.network IS NOT NULL
RETURN h.id AS id, h.name AS name, h.specialty AS specialty, h.scientific AS scientific,
       h.congress AS congress, h.trials AS trials, h.network AS network,
       coalesce(h.rising_star, false) AS rising_star, h.rising_score AS rising_score,
       coalesce(h.eligible, true) AS eligible
ORDER BY id

// name: speaker_publication_years
// mode: read
MATCH (h:HCP)-[:AUTHORED]->(p:Publication)
WHERE p.year >= $since_year AND p.year <= $until_year
RETURN h.id AS id, p.year AS year, count(DISTINCT p) AS publications
ORDER BY id, year

// name: speaker_congress_roles
// mode: read
MATCH (h:HCP)-[r:PRESENTED_AT]->(s:Session)
OPTIONAL MATCH (s)-[:PART_OF]->(c:Congress)
RETURN h.id AS id, s.id AS session, s.date AS date, c.year AS year, r.role AS role,
       c.scope AS scope
ORDER BY id, session

// name: speaker_history
// mode: read
MATCH (e:Engagement)-[:WITH_HCP]->(h:HCP)
WHERE e.type = 'speaker_programme' AND coalesce(e.planned, false) = false
RETURN h.id AS id, count(e) AS programmes, max(e.date) AS last_date
ORDER BY id

// name: record_speaker_proposals
// mode: write
UNWIND $rows AS row
MATCH (h:HCP {id: row.hcp_id})
MERGE (s:SpeakerProposal {id: row.id})
SET s += row.props
MERGE (s)-[:PROPOSES]->(h)

// ---------------------------------------------------------------- field activity

// name: field_activity_engagements
// mode: read
MATCH (e:Engagement)
WHERE e.date >= $since AND e.date <= $until AND e.employee_id IS NOT NULL
  AND coalesce(e.planned, false) = false
  AND ($department IS NULL OR e.department = $department)
OPTIONAL MATCH (e)-[:WITH_HCP]->(h:HCP)
OPTIONAL MATCH (h)-[:AFFILIATED_WITH]->(i:Institution)
RETURN e.id AS id, e.employee_id AS employee_id, e.department AS department, e.type AS type,
       e.date AS date, e.datetime AS datetime, e.lat AS lat, e.lon AS lon, e.notes AS notes,
       e.objective AS objective, e.outcome AS outcome,
       size(coalesce(e.key_messages, [])) AS key_messages, h.id AS hcp_id, h.lat AS hcp_lat,
       h.lon AS hcp_lon, collect(i.closed_dates) AS closed_dates
ORDER BY employee_id, date, id

// ---------------------------------------------------------------- knowledge

// name: knowledge_results
// mode: read
MATCH (h:HCP)-[:ANSWERED]->(q:QuizResult)
WHERE ($hcp_id IS NULL OR h.id = $hcp_id) AND ($segment IS NULL OR h.segment = $segment)
  AND q.date <= $until
RETURN h.id AS hcp_id, h.name AS name, h.segment AS segment, q.dimension AS dimension,
       q.date AS date, q.score AS score, q.product AS product
ORDER BY hcp_id, date, dimension

// name: knowledge_message_groups
// mode: read
// Key messages delivered to the given HCPs in the window, counted per HCP, department and
// message (a message twice in one engagement counts twice), with the last date delivered.
UNWIND $hcp_ids AS hcp_id
MATCH (h:HCP {id: hcp_id})<-[:WITH_HCP]-(e:Engagement)
WHERE e.date >= $since AND e.date <= $until
  AND size(coalesce(e.key_messages, [])) > 0 AND coalesce(e.planned, false) = false
UNWIND e.key_messages AS message
RETURN h.id AS hcp_id, e.department AS department, message, count(*) AS times,
       max(e.date) AS last_date

// ---------------------------------------------------------------- prescribing

// name: prescribing_records
// mode: read
MATCH (h:HCP)-[:PRESCRIBED]->(p:PrescribingYear)
OPTIONAL MATCH (p)-[:OF_PRODUCT]->(d:Product)
RETURN h.id AS hcp_id, h.name AS name, h.npi AS npi, p.year AS year,
       p.brand_name AS brand_name, p.generic_name AS generic_name, p.claims AS claims,
       p.beneficiaries AS beneficiaries, p.drug_cost AS drug_cost, d.id AS product_id,
       coalesce(d.company_product, false) AS company_product,
       d.therapeutic_area AS therapeutic_area
ORDER BY hcp_id, brand_name, year

// ---------------------------------------------------------------- return on engagement

// name: roi_engagements
// mode: read
MATCH (e:Engagement)-[:WITH_HCP]->(h:HCP)
WHERE e.date >= $since AND e.date <= $until AND e.department IS NOT NULL
  AND coalesce(e.planned, false) = false
OPTIONAL MATCH (e)-[:ABOUT_PRODUCT]->(p:Product)
WITH e, h, head(collect(p)) AS p
RETURN e.id AS id, e.date AS date, e.department AS department, e.type AS type,
       e.outcome AS outcome, coalesce(e.amount, e.cost, 0.0) AS spend, h.id AS hcp_id,
       h.name AS name, coalesce(p.name, e.product) AS product,
       p.therapeutic_area AS therapeutic_area
ORDER BY id

// name: roi_groups
// mode: read
// Engagements of both windows grouped by KOL (the node: cheaper to group on than its id),
// department, window, speaker programme or not and outcome text; rows of the earlier window
// that carry neither an outcome nor a speaker programme count for nothing and are skipped.
MATCH (e:Engagement)
WHERE e.date >= $before AND e.date <= $until AND e.department IS NOT NULL
  AND coalesce(e.planned, false) = false
  AND (e.date >= $since OR e.outcome IS NOT NULL OR e.type = 'speaker_programme')
MATCH (e)-[:WITH_HCP]->(h:HCP)
WITH h, e.department AS department, e.date >= $since AS now,
     e.type = 'speaker_programme' AS speaker, e.outcome AS outcome,
     count(e) AS engagements, sum(coalesce(e.amount, e.cost, 0.0)) AS spend
RETURN h.id AS hcp_id, department, now, speaker, outcome, engagements, spend

// name: roi_product_groups
// mode: read
// The window's engagements about a product (a Product node, else a product name), grouped by
// KOL, product and outcome; an engagement about several products counts for one of them.
MATCH (p:Product)<-[:ABOUT_PRODUCT]-(e:Engagement)
WHERE e.date >= $since AND e.date <= $until AND e.department IS NOT NULL
  AND coalesce(e.planned, false) = false
WITH e, head(collect(p)) AS p
MATCH (e)-[:WITH_HCP]->(h:HCP)
RETURN h.id AS hcp_id, coalesce(p.name, e.product) AS product,
       p.therapeutic_area AS therapeutic_area, e.outcome AS outcome,
       count(e) AS engagements, sum(coalesce(e.amount, e.cost, 0.0)) AS spend,
       min(e.id) AS first_id
UNION ALL
MATCH (e:Engagement)
WHERE e.date >= $since AND e.date <= $until AND e.department IS NOT NULL
  AND coalesce(e.planned, false) = false AND e.product IS NOT NULL
OPTIONAL MATCH (e)-[:ABOUT_PRODUCT]->(p:Product)
WITH e, p
WHERE p IS NULL
MATCH (e)-[:WITH_HCP]->(h:HCP)
RETURN h.id AS hcp_id, e.product AS product, null AS therapeutic_area, e.outcome AS outcome,
       count(e) AS engagements, sum(coalesce(e.amount, e.cost, 0.0)) AS spend,
       min(e.id) AS first_id

// name: roi_hcp_names
// mode: read
UNWIND $ids AS id
MATCH (h:HCP {id: id})
RETURN h.id AS hcp_id, h.name AS name

// name: roi_products
// mode: read
MATCH (p:Product)
WHERE p.budget IS NOT NULL OR p.therapeutic_area IS NOT NULL OR p.company_product = true
RETURN p.id AS id, p.name AS name, p.therapeutic_area AS therapeutic_area,
       p.budget AS budget
ORDER BY id
