// One KOL's record in detail for the profile page, and employee names for the timeline.
// Read by kolgraph.krm.activity.

// name: hcp_publications
// mode: read
MATCH (h:HCP {id: $id})-[a:AUTHORED]->(p:Publication)
RETURN p.id AS id, p.pmid AS pmid, p.doi AS doi, p.title AS title, p.journal AS journal,
       p.year AS year, p.cited_by AS cited_by, a.role AS role, a.position AS position,
       coalesce(a.n_authors, p.n_authors) AS n_authors
ORDER BY coalesce(p.year, 0) DESC, coalesce(p.cited_by, -1) DESC, id
LIMIT $limit

// name: hcp_trials
// mode: read
MATCH (h:HCP {id: $id})-[r:INVESTIGATOR_OF]->(t:Trial)
RETURN t.id AS id, t.nct_id AS nct_id, t.title AS title, t.phase AS phase, t.status AS status,
       t.sponsor AS sponsor, t.start_date AS start_date, r.role AS role
ORDER BY coalesce(t.start_date, '') DESC, id
LIMIT $limit

// name: hcp_congress_roles
// mode: read
MATCH (h:HCP {id: $id})-[r:PRESENTED_AT]->(s:Session)
OPTIONAL MATCH (s)-[:PART_OF]->(c:Congress)
RETURN s.id AS id, s.title AS session, s.date AS date, s.kind AS kind, r.role AS role,
       c.name AS congress, c.year AS year, c.scope AS scope
ORDER BY coalesce(c.year, 0) DESC, coalesce(s.date, '') DESC, id
LIMIT $limit

// name: hcp_affiliation_history
// mode: read
MATCH (h:HCP {id: $id})-[r:AFFILIATED_WITH]->(i:Institution)
RETURN i.id AS id, i.name AS name, i.city AS city, i.country AS country, r.year AS year
ORDER BY coalesce(r.year, 0) DESC, name

// name: employee_names
// mode: read
MATCH (m:Employee)
WHERE m.id IN $ids
RETURN substring(m.id, 4) AS employee_id, m.name AS name, m.role AS role
