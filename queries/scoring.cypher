// Reads that feed network projection and scoring, and the writes of a scoring run.
// Filters by area and time window run in Python (kolgraph.scoring.projection), so every
// statement here is a plain read of one relationship type.

// name: scoring_hcps
// mode: read
// An HCP merged into another (kolgraph review merge) is that person: not scored apart.
MATCH (h:HCP)
WHERE h.merged_into IS NULL
RETURN h.id AS id, h.name AS name, h.npi AS npi, h.orcid AS orcid, h.city AS city,
       h.state AS state, h.country AS country, h.prescribing_claims AS prescribing_claims
ORDER BY id

// name: scoring_authorships
// mode: read
// Unordered: the reader sorts by pub, hcp (faster than the store's sort of 1M+ rows, and
// the same order on every backend).
MATCH (h:HCP)-[a:AUTHORED]->(p:Publication)
RETURN h.id AS hcp, p.id AS pub, p.pmid AS pmid, p.doi AS doi, p.year AS year,
       p.date AS date, a.position AS position, a.role AS role,
       coalesce(a.n_authors, p.n_authors) AS n_authors, p.cited_by AS cited_by,
       p.journal AS journal

// name: scoring_source_ids
// mode: read
// The internal ids of HCP nodes, for reading scoring_authorships and scoring_referrals in
// pages on a store that builds a whole answer before sending it (FalkorDB).
MATCH (h:HCP)
RETURN min(id(h)) AS lo, max(id(h)) AS hi

// name: scoring_authorships_page
// mode: read
// scoring_authorships of the HCPs with an internal id in [$lo, $hi).
MATCH (h:HCP)
WHERE id(h) >= $lo AND id(h) < $hi
MATCH (h)-[a:AUTHORED]->(p:Publication)
RETURN h.id AS hcp, p.id AS pub, p.pmid AS pmid, p.doi AS doi, p.year AS year,
       p.date AS date, a.position AS position, a.role AS role,
       coalesce(a.n_authors, p.n_authors) AS n_authors, p.cited_by AS cited_by,
       p.journal AS journal

// name: scoring_topics
// mode: read
MATCH (x:{{label}})-[:HAS_TOPIC]->(t:Topic)
RETURN x.id AS item, t.id AS topic, t.name AS name, t.tree_numbers AS tree_numbers
ORDER BY item, topic

// name: scoring_referrals
// mode: read
MATCH (a:HCP)-[r:REFERS_TO]->(b:HCP)
RETURN a.id AS src, b.id AS dst, r.pair_count AS pair_count, r.bene_count AS bene_count,
       r.same_day_count AS same_day_count, r.period AS period
ORDER BY src, dst

// name: scoring_referrals_page
// mode: read
// scoring_referrals from the HCPs with an internal id in [$lo, $hi), unordered.
MATCH (a:HCP)
WHERE id(a) >= $lo AND id(a) < $hi
MATCH (a)-[r:REFERS_TO]->(b:HCP)
RETURN a.id AS src, b.id AS dst, r.pair_count AS pair_count, r.bene_count AS bene_count,
       r.same_day_count AS same_day_count, r.period AS period

// name: scoring_presentations
// mode: read
MATCH (h:HCP)-[r:PRESENTED_AT]->(s:Session)
OPTIONAL MATCH (s)-[:PART_OF]->(c:Congress)
RETURN h.id AS hcp, s.id AS session, r.role AS role, s.date AS date, s.title AS title,
       c.id AS congress, c.name AS congress_name, c.year AS congress_year,
       c.scope AS congress_scope, c.country AS congress_country
ORDER BY session, hcp

// name: scoring_investigators
// mode: read
MATCH (h:HCP)-[r:INVESTIGATOR_OF]->(t:Trial)
RETURN h.id AS hcp, t.id AS trial, t.nct_id AS nct_id, r.role AS role,
       t.start_date AS start_date, t.title AS title, t.conditions AS conditions
ORDER BY trial, hcp

// name: scoring_affiliations
// mode: read
MATCH (h:HCP)-[r:AFFILIATED_WITH]->(i:Institution)
RETURN h.id AS hcp, i.id AS institution, i.city AS city, i.state AS state,
       i.country AS country, r.year AS year
ORDER BY hcp, institution

// name: scoring_engagements
// mode: read
MATCH (e:Engagement)-[:WITH_HCP]->(h:HCP)
RETURN h.id AS hcp, e.id AS engagement, e.type AS type, e.outcome AS outcome, e.date AS date
ORDER BY hcp, engagement

// name: scoring_data_version
// mode: read
MATCH (n)
RETURN count(n) AS nodes, max(n.loaded_at) AS loaded_at

// name: scoring_write_pages
// mode: write
// One ScorePage per row (kolgraph.store.score_pages), linked to its run; row i's packed
// scores and explanations are $scores[i] and $explanations[i] (lists of text, which
// FalkorDB's parameter encoding passes without scanning them).
UNWIND $rows AS row
MATCH (r:ScoreRun {id: $run})
CREATE (p:ScorePage {id: row.id})
SET p.page = row.page, p.first_hcp = row.first_hcp, p.last_hcp = row.last_hcp, p.n = row.n,
    p.scores = $scores[row.i], p.explanations = $explanations[row.i]
CREATE (p)-[:IN_RUN]->(r)

// name: scoring_write_hcp_latest
// mode: write
// A run over all evidence: its scores become the HCP's latest. A row is a list: the
// HCP's id, then its values in the order of kolgraph.scoring.runs.HCP_PROPERTIES (a list
// is sent as it is; FalkorDB needs each map key of a parameter rewritten).
UNWIND $rows AS row
MATCH (h:HCP {id: row[0]})
SET h.influence = row[1], h.scientific = row[2], h.congress = row[3], h.trials = row[4],
    h.network = row[5], h.referral = row[6], h.pagerank = row[7], h.eigenvector = row[8],
    h.betweenness = row[9], h.harmonic = row[10], h.degree = row[11], h.strength = row[12],
    h.reach_1 = row[13], h.reach_2 = row[14], h.spread = row[15],
    h.prescribing_potential = row[16], h.cooperation = row[17], h.rising_score = row[18],
    h.tier = row[19], h.segment = row[20], h.scope = row[21], h.city = row[22],
    h.state = row[23], h.country = row[24], h.community = row[25],
    h.community_role = row[26], h.rising_star = row[27], h.influence_percentile = row[28],
    h.eligible = row[29], h.industry = row[30], h.eligibility_reason = row[31],
    h.score_run = $run

// name: scoring_write_scores
// mode: write
// One Score node per HCP: how runs were stored before pages (kept for tests of stores
// written then; kolgraph writes pages).
UNWIND $rows AS row
MATCH (h:HCP {id: row.hcp})
MATCH (r:ScoreRun {id: $run})
CREATE (s:Score {id: row.id})
SET s += row.props, s.hcp_id = row.hcp, s.rank = row.rank,
    s.explanation = $texts[row.i]
CREATE (s)-[:SCORES]->(h)
CREATE (s)-[:IN_RUN]->(r)

// name: scoring_runs
// mode: read
// The label test skips nodes that a store written before deletions removed labels first
// may still scan as runs (see delete_nodes in core.cypher).
MATCH (r:ScoreRun)
WHERE 'ScoreRun' IN labels(r)
RETURN r.id AS id, r.created_at AS created_at, r.seed AS seed, r.area AS area,
       r.window_start AS window_start, r.window_end AS window_end, r.n_hcps AS n_hcps,
       r.data_version AS data_version, r.parameters AS parameters
ORDER BY created_at, id

// name: scoring_history
// mode: read
MATCH (s:Score)-[:IN_RUN]->(r:ScoreRun)
RETURN s.hcp_id AS hcp_id, r.id AS run_id, r.created_at AS created_at, r.area AS area,
       s.influence AS influence, s.rank AS rank, s.tier AS tier, s.segment AS segment
ORDER BY hcp_id, created_at, run_id

// name: scoring_scores_of_hcp
// mode: read
// One HCP's Score nodes (runs stored one node per HCP), through the Score.hcp_id index.
MATCH (s:Score {hcp_id: $hcp_id})-[:IN_RUN]->(r:ScoreRun)
RETURN properties(s) AS props, properties(r) AS run
ORDER BY r.created_at, r.id

// name: scoring_pages_of_hcp
// mode: read
// The pages whose id range holds one HCP, in every run (a page in range may still not
// hold it: kolgraph.store.score_pages looks).
MATCH (p:ScorePage)-[:IN_RUN]->(r:ScoreRun)
WHERE p.first_hcp <= $hcp_id AND $hcp_id <= p.last_hcp
RETURN p.id AS id, p.scores AS scores, p.explanations AS explanations,
       properties(r) AS run
ORDER BY r.created_at, r.id, p.page

// name: scoring_score_pages_of_hcp
// mode: read
// scoring_pages_of_hcp without the explanations.
MATCH (p:ScorePage)-[:IN_RUN]->(r:ScoreRun)
WHERE p.first_hcp <= $hcp_id AND $hcp_id <= p.last_hcp
RETURN p.id AS id, p.scores AS scores, properties(r) AS run
ORDER BY r.created_at, r.id, p.page

// name: scoring_history_pages
// mode: read
MATCH (p:ScorePage)-[:IN_RUN]->(r:ScoreRun)
RETURN p.scores AS scores, r.id AS run_id, r.created_at AS created_at, r.area AS area
ORDER BY created_at, run_id, p.page

// name: scoring_run_pages
// mode: read
MATCH (p:ScorePage)-[:IN_RUN]->(r:ScoreRun {id: $run_id})
RETURN p.id AS id, p.page AS page, p.scores AS scores, p.explanations AS explanations
ORDER BY page

// name: scoring_page
// mode: read
MATCH (p:ScorePage {id: $id})
RETURN p.id AS id, p.page AS page, p.scores AS scores, p.explanations AS explanations

// name: scoring_pages_in_batch
// mode: read
// Pages $skip .. $skip + $limit of every run (a scan of all stored records, such as an
// erasure's).
MATCH (p:ScorePage)-[:IN_RUN]->(r:ScoreRun)
WITH p, r
ORDER BY r.id, p.page
SKIP $skip LIMIT $limit
RETURN p.id AS id, p.page AS page, p.scores AS scores, p.explanations AS explanations

// name: scoring_replace_pages
// mode: write
// Pages rewritten (an erasure): row i's texts are $scores[i] and $explanations[i].
UNWIND $rows AS row
MATCH (p:ScorePage {id: row.id})
SET p.first_hcp = row.first_hcp, p.last_hcp = row.last_hcp, p.n = row.n,
    p.scores = $scores[row.i], p.explanations = $explanations[row.i]

// name: scoring_run_scores
// mode: read
MATCH (s:Score)-[:IN_RUN]->(r:ScoreRun {id: $run_id})
WITH s
ORDER BY s.rank, s.hcp_id
RETURN properties(s) AS props

// name: scoring_hcp_properties
// mode: read
MATCH (h:HCP)
WITH h
ORDER BY h.id
RETURN properties(h) AS props

// ---------------------------------------------------------------- eligibility (who counts as a KOL)

// name: eligibility_people
// mode: read
MATCH (h:HCP)
RETURN h.id AS id, h.npi AS npi, h.specialty AS specialty, h.taxonomy AS taxonomy,
       h.credential AS credential, h.crm_id AS crm_id, h.profile_id AS profile_id,
       h.institution AS institution
ORDER BY id

// name: eligibility_affiliations
// mode: read
MATCH (h:HCP)-[r:AFFILIATED_WITH]->(i:Institution)
RETURN h.id AS hcp, i.name AS name, r.year AS year,
       (i.npi IS NOT NULL OR i.taxonomy IS NOT NULL) AS registered
ORDER BY hcp, name

// name: eligibility_medline
// mode: read
// Authorships of MEDLINE papers that may be clinical: a clinical publication type, or the
// check tag Humans (the Python side keeps those that also carry a clinical heading).
MATCH (h:HCP)-[:AUTHORED]->(p:Publication)
WHERE p.pmid IS NOT NULL
  AND ($humans IN coalesce(p.topic_ids, [])
       OR any(t IN coalesce(p.publication_types, []) WHERE toLower(t) IN $types))
RETURN h.id AS hcp, p.id AS pub
ORDER BY hcp, pub

// name: eligibility_medline_papers
// mode: read
// The papers of eligibility_medline, once each: whether a clinical type is given, and topics.
MATCH (p:Publication)
WHERE p.pmid IS NOT NULL
  AND ($humans IN coalesce(p.topic_ids, [])
       OR any(t IN coalesce(p.publication_types, []) WHERE toLower(t) IN $types))
RETURN p.id AS pub, any(t IN coalesce(p.publication_types, []) WHERE toLower(t) IN $types)
       AS typed, p.topic_ids AS topics
ORDER BY pub

// name: eligibility_trials
// mode: read
MATCH (h:HCP)-[r:INVESTIGATOR_OF]->(t:Trial)
RETURN h.id AS hcp, count(DISTINCT t) AS trials, collect(DISTINCT r.role) AS roles
ORDER BY hcp

// name: eligibility_crm
// mode: read
MATCH (e:Engagement)-[:WITH_HCP]->(h:HCP)
WHERE e.id STARTS WITH 'eng:crm:'
RETURN h.id AS hcp, count(e) AS engagements
ORDER BY hcp

// name: eligibility_referrals
// mode: read
MATCH (h:HCP)-[:REFERS_TO]-(:HCP)
RETURN h.id AS hcp, count(*) AS partners
ORDER BY hcp

// name: scoring_run_ids_on_hcps
// mode: read
// The runs whose scores the HCP nodes carry as their latest (never deleted by a prune).
MATCH (h:HCP)
WHERE h.score_run IS NOT NULL
RETURN DISTINCT h.score_run AS run

// name: scoring_delete_run_scores
// mode: write
// Up to $limit Score nodes of one run, with their relationships; returns how many went.
// Unlike the other deletes, the label is not removed first: that made deleting 1M Scores
// take minutes instead of seconds, and a Score kept in the label's scan after its id went
// to another node (see delete_nodes in core.cypher) is never read as a score: every read
// of scores goes through SCORES or IN_RUN, which no other node has, and scans check labels.
MATCH (:ScoreRun {id: $run})<-[:IN_RUN]-(s:Score)
WITH s LIMIT $limit
DETACH DELETE s
RETURN count(*) AS n

// name: scoring_delete_run_pages
// mode: write
// Up to $limit ScorePage nodes of one run; returns how many went and the HCPs they held.
MATCH (:ScoreRun {id: $run})<-[:IN_RUN]-(p:ScorePage)
WITH p LIMIT $limit
WITH p, p.n AS held
REMOVE p:ScorePage
DETACH DELETE p
RETURN count(*) AS n, sum(held) AS hcps

// name: scoring_delete_run
// mode: write
// One ScoreRun node (its Score nodes deleted first, by scoring_delete_run_scores).
MATCH (r:ScoreRun {id: $run})
REMOVE r:ScoreRun
DETACH DELETE r
RETURN count(*) AS n
