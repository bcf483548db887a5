// Identity resolution: candidate lookups for the resolver and the review list.
// Templates: {{label}} Mention, {{type}} RESOLVED_TO, {{end}} HCP unless said otherwise.

// name: mention_resolutions
// mode: read
UNWIND $ids AS id
MATCH (m:{{label}} {id: id})-[r:{{type}}]->(h:{{end}})
RETURN m.id AS mention_id, h.id AS hcp_id, h.merged_into AS merged_into, r.score AS score,
       r.method AS method, m.review_candidate AS review_candidate,
       m.review_score AS review_score

// name: hcps_with_identifier
// mode: read
// template: label HCP, prop one of npi / orcid / crm_id / profile_id
UNWIND $values AS value
MATCH (h:{{label}})
WHERE h.{{prop}} = value
RETURN value, h.id AS hcp_id, h.name_key AS name_key, h.merged_into AS merged_into

// name: mentions_in_blocks
// mode: read
// Per block and HCP, the $per_hcp mentions with the greatest ids: the ones the resolver
// keeps, so a block costs the same however often its people publish.
// A paper's authors keep the record's context (author keys, topics, words, journal,
// year, language) once, on the Publication; other mentions carry their own.
UNWIND $keys AS key
MATCH (m:{{label}} {name_key: key})-[:{{type}}]->(h:{{end}})
WITH key, h, m ORDER BY m.id DESC
WITH key, h, collect(m)[..$per_hcp] AS recent
UNWIND recent AS m
OPTIONAL MATCH (m)-[:APPEARS_IN]->(p:Publication)
RETURN m.id AS mention_id,
       {name_key: m.name_key, family: m.family, given: m.given, affiliations: m.affiliations,
        coauthors: coalesce(m.coauthors, p.author_keys),
        topics: coalesce(m.topics, p.topic_ids), words: coalesce(m.words, p.words),
        email: m.email, orcid: m.orcid, openalex_author: m.openalex_author, npi: m.npi,
        country: m.country,
        journal: coalesce(m.journal, p.journal), year: coalesce(m.year, p.year),
        language: coalesce(m.language, p.language), position: m.position,
        record_pmid: p.pmid, record_cited_pmids: p.cited_pmids,
        record_linked_pmids: p.linked_pmids, record_grants: p.grant_ids,
        record_grant_agencies: p.grant_agencies, record_chemicals: p.chemical_ids,
        record_keywords: p.keywords, record_topic_ids: p.topic_ids,
        record_major_topic_ids: p.major_topic_ids, record_nlm_journal_id: p.nlm_journal_id,
        record_journal: p.journal, record_affiliations: p.record_affiliations,
        record_abstract_words: p.abstract_words, record_author_fullnames: p.author_fullnames,
        record_n_authors: p.n_authors} AS props,
       h.id AS hcp_id,
       h.merged_into AS merged_into, h.npi AS hcp_npi, h.orcid AS hcp_orcid,
       h.crm_id AS hcp_crm_id, h.profile_id AS hcp_profile_id

// name: open_reviews
// mode: read
MATCH (m:{{label}} {review_status: 'open'})-[:{{type}}]->(h:{{end}})
OPTIONAL MATCH (c:{{end}} {id: m.review_candidate})
RETURN m.id AS mention_id, m.name AS name, h.id AS hcp_id, m.review_candidate AS candidate_id,
       c.name AS candidate_name, m.review_score AS score
ORDER BY score DESC, mention_id
LIMIT $limit

// name: review_entry
// mode: read
MATCH (m:{{label}} {id: $id})-[r:{{type}}]->(h:{{end}})
OPTIONAL MATCH (c:{{end}} {id: m.review_candidate})
RETURN h.id AS hcp_id, m.review_status AS status, m.review_candidate AS candidate_id,
       c.merged_into AS candidate_survivor, r.merged_from AS merged_from,
       m.review_merged AS review_merged

// name: mentions_of_hcp
// mode: read
MATCH (m:{{label}})-[r:{{type}}]->(h:{{end}} {id: $id})
RETURN m.id AS mention_id, properties(r) AS props
ORDER BY mention_id

// name: hcp_relationships_out
// mode: read
MATCH (h:{{start}} {id: $id})-[r:{{type}}]->(b:{{end}})
RETURN b.id AS other, properties(r) AS props

// name: hcp_relationships_in
// mode: read
MATCH (a:{{start}})-[r:{{type}}]->(h:{{end}} {id: $id})
RETURN a.id AS other, properties(r) AS props

// name: clear_merged_into
// mode: write
MATCH (h:{{label}} {id: $id})
REMOVE h.merged_into

// name: review_entries_scored
// mode: read
// Every review entry (open or decided) scored from $low, with the size of both HCPs.
MATCH (m:{{label}})-[:{{type}}]->(h:{{end}})
WHERE m.review_score IS NOT NULL AND m.review_score >= $low
OPTIONAL MATCH (c:{{end}} {id: m.review_candidate})
OPTIONAL MATCH (cm:{{label}})-[:{{type}}]->(c)
WITH m, h, c, count(cm) AS candidate_mentions
OPTIONAL MATCH (hm:{{label}})-[:{{type}}]->(h)
RETURN m.id AS mention_id, m.name AS name, m.review_status AS status,
       m.review_score AS score, m.review_candidate AS candidate_id, c.name AS candidate_name,
       h.id AS hcp_id, candidate_mentions, count(hm) AS hcp_mentions

// name: hcp_mention_sources
// mode: read
// Every resolved mention with its source and its HCP's display name (duplicate-name counts).
MATCH (m:{{label}})-[:{{type}}]->(h:{{end}})
RETURN h.id AS hcp_id, h.name AS name, m.source AS source, m.id AS mention_id

// name: hcp_node
// mode: read
MATCH (h:{{label}} {id: $id})
RETURN properties(h) AS props

// name: set_hcp_properties
// mode: write
// A null value removes the property.
MATCH (h:{{label}} {id: $id})
SET h += $props

// name: delete_hcp_relationships_out
// mode: write
// The HCP's outgoing relationships of one type; with $mark only those moved by that merge.
MATCH (h:{{start}} {id: $id})-[r:{{type}}]->(:{{end}})
WHERE $mark IS NULL OR r.merged_from = $mark
DELETE r

// name: delete_hcp_relationships_in
// mode: write
MATCH (:{{start}})-[r:{{type}}]->(h:{{end}} {id: $id})
WHERE $mark IS NULL OR r.merged_from = $mark
DELETE r

// name: create_relationships
// mode: write
// A new relationship per row, beside any the two nodes already have (a merge keeps the
// survivor's own relationship and the moved one apart, so undo can take the moved one back).
UNWIND $rows AS row
MATCH (a:{{start}} {id: row.start})
MATCH (b:{{end}} {id: row.end})
CREATE (a)-[r:{{type}}]->(b)
SET r = row.props
