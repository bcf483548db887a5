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
