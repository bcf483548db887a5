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
