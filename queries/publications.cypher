// Publications: lookups that keep one Publication node per paper across sources,
// and PubMed's DeleteCitation.

// name: publications_by_pmid
UNWIND $values AS value
MATCH (p:{{label}} {pmid: value})
RETURN value, p.id AS id

// name: publications_by_doi
UNWIND $values AS value
MATCH (p:{{label}} {doi: value})
RETURN value, p.id AS id

// name: publications_by_openalex
UNWIND $values AS value
MATCH (p:{{label}} {openalex: value})
RETURN value, p.id AS id

// name: delete_publications
// template: label Publication, start Mention, type APPEARS_IN
UNWIND $rows AS row
MATCH (p:{{label}} {pmid: row.pmid})
OPTIONAL MATCH (m:{{start}})-[:{{type}}]->(p)
DETACH DELETE m, p

// name: mentions_of_source
MATCH (m:{{label}} {source: $source})
RETURN m.id AS id, properties(m) AS props
ORDER BY id

// name: publication_authorships
// template: label Mention, type APPEARS_IN, end Publication
MATCH (m:{{label}})-[a:{{type}}]->(p:{{end}} {id: $id})
RETURN m.id AS mention_id, properties(m) AS mention, a.position AS position, a.role AS role
ORDER BY position

// name: write_authorships
// One row per resolved author of a paper, as a list (compact to send):
//  0 mention id, 1 HCP id, 2 publication id, 3 position, 4 role, 5 n_authors,
//  6 equal_contrib, 7 source record id, 8 name as written, 9 family, 10 given,
// 11 initials, 12 name_key, 13 block_key, 14 given_key, 15 first affiliation,
// 16 affiliations, 17 ORCID, 18 match score, 19 match method, 20 review candidate,
// 21 review score, 22 review status, 23 HCP display name, 24 HCP institution.
// $prov is the run's provenance (source, source_file, run_id, loaded_at).
// A null never erases a stored value (coalesce), as with `SET n += props`.
UNWIND $rows AS r
MATCH (p:Publication {id: r[2]})
MERGE (m:Mention {id: r[0]})
SET m.source = $prov.source, m.source_file = $prov.source_file, m.run_id = $prov.run_id,
    m.loaded_at = $prov.loaded_at, m.source_id = r[7], m.position = r[3], m.role = r[4],
    m.name = coalesce(r[8], m.name), m.family = coalesce(r[9], m.family),
    m.given = coalesce(r[10], m.given), m.initials = coalesce(r[11], m.initials),
    m.name_key = coalesce(r[12], m.name_key), m.block_key = coalesce(r[13], m.block_key),
    m.given_key = coalesce(r[14], m.given_key),
    m.affiliation = coalesce(r[15], m.affiliation),
    m.affiliations = coalesce(r[16], m.affiliations), m.orcid = coalesce(r[17], m.orcid),
    m.match_score = r[18], m.match_method = r[19],
    m.review_candidate = coalesce(r[20], m.review_candidate),
    m.review_score = coalesce(r[21], m.review_score),
    m.review_status = coalesce(r[22], m.review_status)
MERGE (h:HCP {id: r[1]})
SET h.source = $prov.source, h.source_file = $prov.source_file, h.run_id = $prov.run_id,
    h.loaded_at = $prov.loaded_at, h.name = coalesce(r[23], h.name),
    h.family = coalesce(r[9], h.family), h.given = coalesce(r[10], h.given),
    h.initials = coalesce(r[11], h.initials), h.name_key = coalesce(r[12], h.name_key),
    h.orcid = coalesce(r[17], h.orcid), h.institution = coalesce(r[24], h.institution)
MERGE (m)-[x:RESOLVED_TO]->(h)
SET x.source = $prov.source, x.source_file = $prov.source_file, x.run_id = $prov.run_id,
    x.loaded_at = $prov.loaded_at, x.score = r[18], x.method = r[19]
MERGE (m)-[y:APPEARS_IN]->(p)
SET y.source = $prov.source, y.source_file = $prov.source_file, y.run_id = $prov.run_id,
    y.loaded_at = $prov.loaded_at, y.position = r[3], y.role = r[4]
MERGE (h)-[z:AUTHORED]->(p)
SET z.source = $prov.source, z.source_file = $prov.source_file, z.run_id = $prov.run_id,
    z.loaded_at = $prov.loaded_at, z.position = r[3], z.role = r[4], z.n_authors = r[5],
    z.equal_contrib = coalesce(r[6], z.equal_contrib)

// name: create_authorships
// Rows as in write_authorships, for mentions the loader found NOT in the store: the
// Mention and its RESOLVED_TO and APPEARS_IN are created with all their properties at
// once (several times cheaper than MERGE and SET); the HCP and AUTHORED are merged.
UNWIND $rows AS r
MATCH (p:Publication {id: r[2]})
CREATE (m:Mention {id: r[0], source: $prov.source, source_file: $prov.source_file,
                   run_id: $prov.run_id, loaded_at: $prov.loaded_at, source_id: r[7],
                   position: r[3], role: r[4], name: r[8], family: r[9], given: r[10],
                   initials: r[11], name_key: r[12], block_key: r[13], given_key: r[14],
                   affiliation: r[15], affiliations: r[16], orcid: r[17],
                   match_score: r[18], match_method: r[19], review_candidate: r[20],
                   review_score: r[21], review_status: r[22]})
MERGE (h:HCP {id: r[1]})
SET h.source = $prov.source, h.source_file = $prov.source_file, h.run_id = $prov.run_id,
    h.loaded_at = $prov.loaded_at, h.name = coalesce(r[23], h.name),
    h.family = coalesce(r[9], h.family), h.given = coalesce(r[10], h.given),
    h.initials = coalesce(r[11], h.initials), h.name_key = coalesce(r[12], h.name_key),
    h.orcid = coalesce(r[17], h.orcid), h.institution = coalesce(r[24], h.institution)
CREATE (m)-[:RESOLVED_TO {source: $prov.source, source_file: $prov.source_file,
                          run_id: $prov.run_id, loaded_at: $prov.loaded_at,
                          score: r[18], method: r[19]}]->(h)
CREATE (m)-[:APPEARS_IN {source: $prov.source, source_file: $prov.source_file,
                         run_id: $prov.run_id, loaded_at: $prov.loaded_at,
                         position: r[3], role: r[4]}]->(p)
MERGE (h)-[z:AUTHORED]->(p)
SET z.source = $prov.source, z.source_file = $prov.source_file, z.run_id = $prov.run_id,
    z.loaded_at = $prov.loaded_at, z.position = r[3], z.role = r[4], z.n_authors = r[5],
    z.equal_contrib = coalesce(r[6], z.equal_contrib)

// name: write_authorship_affiliations
// Rows: [mention id, HCP id, institution id, year]; the Institution node exists.
UNWIND $rows AS r
MATCH (m:Mention {id: r[0]})
MATCH (h:HCP {id: r[1]})
MATCH (i:Institution {id: r[2]})
MERGE (m)-[a:AFFILIATED_WITH]->(i)
SET a.source = $prov.source, a.source_file = $prov.source_file, a.run_id = $prov.run_id,
    a.loaded_at = $prov.loaded_at
MERGE (h)-[b:AFFILIATED_WITH]->(i)
SET b.source = $prov.source, b.source_file = $prov.source_file, b.run_id = $prov.run_id,
    b.loaded_at = $prov.loaded_at, b.year = coalesce(r[3], b.year)

// name: create_authorship_affiliations
// Rows as in write_authorship_affiliations, for mentions created by create_authorships.
UNWIND $rows AS r
MATCH (m:Mention {id: r[0]})
MATCH (h:HCP {id: r[1]})
MATCH (i:Institution {id: r[2]})
CREATE (m)-[:AFFILIATED_WITH {source: $prov.source, source_file: $prov.source_file,
                              run_id: $prov.run_id, loaded_at: $prov.loaded_at}]->(i)
MERGE (h)-[b:AFFILIATED_WITH]->(i)
SET b.source = $prov.source, b.source_file = $prov.source_file, b.run_id = $prov.run_id,
    b.loaded_at = $prov.loaded_at, b.year = coalesce(r[3], b.year)
