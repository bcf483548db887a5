// Publications: lookups that keep one Publication node per paper across sources,
// and PubMed's DeleteCitation.

// name: publications_by_pmid
// mode: read
UNWIND $values AS value
MATCH (p:{{label}} {pmid: value})
RETURN value, p.id AS id

// name: publications_by_doi
// mode: read
UNWIND $values AS value
MATCH (p:{{label}} {doi: value})
RETURN value, p.id AS id

// name: publications_by_openalex
// mode: read
UNWIND $values AS value
MATCH (p:{{label}} {openalex: value})
RETURN value, p.id AS id

// name: delete_publications
// mode: write
// template: label Publication, start Mention, type APPEARS_IN
UNWIND $rows AS row
MATCH (p:{{label}} {pmid: row.pmid})
OPTIONAL MATCH (m:{{start}})-[:{{type}}]->(p)
REMOVE m:{{start}}, p:{{label}}
DETACH DELETE m, p

// name: mentions_of_source
// mode: read
MATCH (m:{{label}} {source: $source})
RETURN m.id AS id, properties(m) AS props
ORDER BY id

// name: publication_authorships
// mode: read
// template: label Mention, type APPEARS_IN, end Publication
MATCH (m:{{label}})-[a:{{type}}]->(p:{{end}} {id: $id})
RETURN m.id AS mention_id, properties(m) AS mention, a.position AS position, a.role AS role
ORDER BY position

// name: write_authorships
// mode: write
// One row per resolved author of a paper: mention_id, hcp_id, publication_id, position,
// role, n_authors, equal_contrib, source_id (the source record), the name as written
// (name, family, given, initials, name_key, block_key, given_key), affiliation (the first),
// affiliations, orcid, openalex_author, match_score, match_method, review_candidate, review_score,
// review_status, and the HCP's display name and institution (hcp_name, hcp_institution).
// $prov is the run's provenance (source, source_file, run_id, loaded_at).
// A null never erases a stored value (coalesce), as with `SET n += props`. The HCP keeps
// the fullest name its papers give ('Peter Alshede Philipsen' over 'Peter A Philipsen'; the
// same length: the last in code point order, 'Søndergaard' over 'Sondergaard'), whatever
// order the papers arrive in; the loader
// gives all rows of one HCP in a batch the same name (a backend may apply the rows of one
// statement without seeing the name an earlier row set).
UNWIND $rows AS row
MATCH (p:Publication {id: row.publication_id})
MERGE (m:Mention {id: row.mention_id})
SET m.source = $prov.source, m.source_file = $prov.source_file, m.run_id = $prov.run_id,
    m.loaded_at = $prov.loaded_at, m.source_id = row.source_id, m.position = row.position,
    m.role = row.role, m.name = coalesce(row.name, m.name),
    m.family = coalesce(row.family, m.family), m.given = coalesce(row.given, m.given),
    m.initials = coalesce(row.initials, m.initials),
    m.name_key = coalesce(row.name_key, m.name_key),
    m.block_key = coalesce(row.block_key, m.block_key),
    m.given_key = coalesce(row.given_key, m.given_key),
    m.affiliation = coalesce(row.affiliation, m.affiliation),
    m.affiliations = coalesce(row.affiliations, m.affiliations),
    m.orcid = coalesce(row.orcid, m.orcid),
    m.openalex_author = coalesce(row.openalex_author, m.openalex_author),
    m.match_score = row.match_score, m.match_method = row.match_method,
    m.review_candidate = coalesce(row.review_candidate, m.review_candidate),
    m.review_score = coalesce(row.review_score, m.review_score),
    m.review_status = coalesce(row.review_status, m.review_status)
MERGE (h:HCP {id: row.hcp_id})
WITH row, p, m, h,
     coalesce(size(row.hcp_name) > size(h.name)
              OR (size(row.hcp_name) = size(h.name) AND row.hcp_name > h.name),
              h.name IS NULL) AS fuller
SET h.source = $prov.source, h.source_file = $prov.source_file, h.run_id = $prov.run_id,
    h.loaded_at = $prov.loaded_at,
    h.name = CASE WHEN fuller THEN coalesce(row.hcp_name, h.name) ELSE h.name END,
    h.family = CASE WHEN fuller THEN coalesce(row.family, h.family) ELSE h.family END,
    h.given = CASE WHEN fuller THEN coalesce(row.given, h.given) ELSE h.given END,
    h.initials = CASE WHEN fuller THEN coalesce(row.initials, h.initials) ELSE h.initials END,
    h.name_key = coalesce(row.name_key, h.name_key), h.orcid = coalesce(row.orcid, h.orcid),
    h.institution = coalesce(row.hcp_institution, h.institution)
MERGE (m)-[x:RESOLVED_TO]->(h)
SET x.source = $prov.source, x.source_file = $prov.source_file, x.run_id = $prov.run_id,
    x.loaded_at = $prov.loaded_at, x.score = row.match_score, x.method = row.match_method
MERGE (m)-[y:APPEARS_IN]->(p)
SET y.source = $prov.source, y.source_file = $prov.source_file, y.run_id = $prov.run_id,
    y.loaded_at = $prov.loaded_at, y.position = row.position, y.role = row.role
MERGE (h)-[z:AUTHORED]->(p)
SET z.source = $prov.source, z.source_file = $prov.source_file, z.run_id = $prov.run_id,
    z.loaded_at = $prov.loaded_at, z.position = row.position, z.role = row.role,
    z.n_authors = row.n_authors, z.equal_contrib = coalesce(row.equal_contrib, z.equal_contrib)

// name: create_authorships
// mode: write
// Rows as in write_authorships, for mentions the loader found NOT in the store: the
// Mention and its RESOLVED_TO and APPEARS_IN are created with all their properties at
// once (several times cheaper than MERGE and SET); the HCP and AUTHORED are merged.
UNWIND $rows AS row
MATCH (p:Publication {id: row.publication_id})
CREATE (m:Mention {id: row.mention_id, source: $prov.source, source_file: $prov.source_file,
                   run_id: $prov.run_id, loaded_at: $prov.loaded_at, source_id: row.source_id,
                   position: row.position, role: row.role, name: row.name,
                   family: row.family, given: row.given, initials: row.initials,
                   name_key: row.name_key, block_key: row.block_key, given_key: row.given_key,
                   affiliation: row.affiliation, affiliations: row.affiliations,
                   orcid: row.orcid, openalex_author: row.openalex_author,
                   match_score: row.match_score,
                   match_method: row.match_method, review_candidate: row.review_candidate,
                   review_score: row.review_score, review_status: row.review_status})
MERGE (h:HCP {id: row.hcp_id})
WITH row, p, m, h,
     coalesce(size(row.hcp_name) > size(h.name)
              OR (size(row.hcp_name) = size(h.name) AND row.hcp_name > h.name),
              h.name IS NULL) AS fuller
SET h.source = $prov.source, h.source_file = $prov.source_file, h.run_id = $prov.run_id,
    h.loaded_at = $prov.loaded_at,
    h.name = CASE WHEN fuller THEN coalesce(row.hcp_name, h.name) ELSE h.name END,
    h.family = CASE WHEN fuller THEN coalesce(row.family, h.family) ELSE h.family END,
    h.given = CASE WHEN fuller THEN coalesce(row.given, h.given) ELSE h.given END,
    h.initials = CASE WHEN fuller THEN coalesce(row.initials, h.initials) ELSE h.initials END,
    h.name_key = coalesce(row.name_key, h.name_key), h.orcid = coalesce(row.orcid, h.orcid),
    h.institution = coalesce(row.hcp_institution, h.institution)
CREATE (m)-[:RESOLVED_TO {source: $prov.source, source_file: $prov.source_file,
                          run_id: $prov.run_id, loaded_at: $prov.loaded_at,
                          score: row.match_score, method: row.match_method}]->(h)
CREATE (m)-[:APPEARS_IN {source: $prov.source, source_file: $prov.source_file,
                         run_id: $prov.run_id, loaded_at: $prov.loaded_at,
                         position: row.position, role: row.role}]->(p)
MERGE (h)-[z:AUTHORED]->(p)
SET z.source = $prov.source, z.source_file = $prov.source_file, z.run_id = $prov.run_id,
    z.loaded_at = $prov.loaded_at, z.position = row.position, z.role = row.role,
    z.n_authors = row.n_authors, z.equal_contrib = coalesce(row.equal_contrib, z.equal_contrib)

// name: write_authorship_affiliations
// mode: write
// Rows: mention_id, hcp_id, institution_id, year; the Institution node exists.
UNWIND $rows AS row
MATCH (m:Mention {id: row.mention_id})
MATCH (h:HCP {id: row.hcp_id})
MATCH (i:Institution {id: row.institution_id})
MERGE (m)-[a:AFFILIATED_WITH]->(i)
SET a.source = $prov.source, a.source_file = $prov.source_file, a.run_id = $prov.run_id,
    a.loaded_at = $prov.loaded_at
MERGE (h)-[b:AFFILIATED_WITH]->(i)
SET b.source = $prov.source, b.source_file = $prov.source_file, b.run_id = $prov.run_id,
    b.loaded_at = $prov.loaded_at, b.year = coalesce(row.year, b.year)

// name: create_authorship_affiliations
// mode: write
// Rows as in write_authorship_affiliations, for mentions created by create_authorships.
UNWIND $rows AS row
MATCH (m:Mention {id: row.mention_id})
MATCH (h:HCP {id: row.hcp_id})
MATCH (i:Institution {id: row.institution_id})
CREATE (m)-[:AFFILIATED_WITH {source: $prov.source, source_file: $prov.source_file,
                              run_id: $prov.run_id, loaded_at: $prov.loaded_at}]->(i)
MERGE (h)-[b:AFFILIATED_WITH]->(i)
SET b.source = $prov.source, b.source_file = $prov.source_file, b.run_id = $prov.run_id,
    b.loaded_at = $prov.loaded_at, b.year = coalesce(row.year, b.year)
