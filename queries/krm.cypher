// KOL relationship management: find, profile, network, engagements, contacts, plans, KPIs.
// Read by kolgraph.krm; labels and relationship types are those of kolgraph/schema.py.

// ---------------------------------------------------------------- find and look up

// name: search_hcps_desc
// mode: read
MATCH (h:HCP)
WHERE h.merged_into IS NULL
  AND ($ids IS NULL OR h.id IN $ids)
  AND ($q IS NULL OR toLower(coalesce(h.name, '')) CONTAINS $q OR h.name_key STARTS WITH $q)
  AND ($specialty IS NULL OR toLower(coalesce(h.specialty, '')) CONTAINS $specialty)
  AND ($institution IS NULL OR toLower(coalesce(h.institution, '')) CONTAINS $institution)
  AND ($city IS NULL OR toLower(coalesce(h.city, '')) = $city)
  AND ($state IS NULL OR h.state = $state)
  AND ($country IS NULL OR h.country = $country)
  AND ($tier IS NULL OR h.tier = $tier)
  AND ($segment IS NULL OR h.segment = $segment)
  AND ($scope IS NULL OR h.scope = $scope)
  AND ($community IS NULL OR toString(h.community) = $community)
  AND ($min_influence IS NULL OR h.influence >= $min_influence)
  AND ($rising_star IS NULL OR h.rising_star = $rising_star)
  AND ($include_non_hcp OR coalesce(h.eligible, true))
WITH h, coalesce(h.{{sort}}, -1.0) AS sv
WHERE $after_value IS NULL OR sv < $after_value OR (sv = $after_value AND h.id > $after_id)
RETURN properties(h) AS hcp, sv
ORDER BY sv DESC, h.id
LIMIT $limit

// name: hcp_publication_topics
// mode: read
// The topic ids of each listed HCP's papers (their therapeutic areas, kolgraph.krm.areas).
UNWIND $ids AS id
MATCH (h:HCP {id: id})-[:AUTHORED]->(p:Publication)
WHERE p.topic_ids IS NOT NULL
RETURN h.id AS hcp, p.topic_ids AS topics

// name: search_hcps_asc
// mode: read
MATCH (h:HCP)
WHERE h.merged_into IS NULL
  AND ($ids IS NULL OR h.id IN $ids)
  AND ($q IS NULL OR toLower(coalesce(h.name, '')) CONTAINS $q OR h.name_key STARTS WITH $q)
  AND ($specialty IS NULL OR toLower(coalesce(h.specialty, '')) CONTAINS $specialty)
  AND ($institution IS NULL OR toLower(coalesce(h.institution, '')) CONTAINS $institution)
  AND ($city IS NULL OR toLower(coalesce(h.city, '')) = $city)
  AND ($state IS NULL OR h.state = $state)
  AND ($country IS NULL OR h.country = $country)
  AND ($tier IS NULL OR h.tier = $tier)
  AND ($segment IS NULL OR h.segment = $segment)
  AND ($scope IS NULL OR h.scope = $scope)
  AND ($community IS NULL OR toString(h.community) = $community)
  AND ($min_influence IS NULL OR h.influence >= $min_influence)
  AND ($rising_star IS NULL OR h.rising_star = $rising_star)
  AND ($include_non_hcp OR coalesce(h.eligible, true))
WITH h, coalesce(h.{{sort}}, -1.0) AS sv
WHERE $after_value IS NULL OR sv > $after_value OR (sv = $after_value AND h.id > $after_id)
RETURN properties(h) AS hcp, sv
ORDER BY sv ASC, h.id
LIMIT $limit

// name: hcp_ids_by_topic
// mode: read
MATCH (t:Topic)
WHERE toLower(t.name) CONTAINS $topic AND t.check_tag IS NULL
MATCH (t)<-[:HAS_TOPIC]-(x)<-[:AUTHORED|INVESTIGATOR_OF|PRESENTED_AT]-(h:HCP)
RETURN DISTINCT h.id AS id
LIMIT $limit

// name: hcp_ids_by_topic_ids
// mode: read
// HCPs with a paper, trial or talk on any of the topics (a therapeutic area's subtree).
UNWIND $topic_ids AS topic_id
MATCH (t:Topic {id: topic_id})<-[:HAS_TOPIC]-(x)<-[:AUTHORED|INVESTIGATOR_OF|PRESENTED_AT]-(h:HCP)
RETURN DISTINCT h.id AS id
LIMIT $limit

// name: hcps_by_identifier
// mode: read
UNWIND $values AS value
MATCH (h:HCP)
WHERE h.{{prop}} = value
RETURN value, properties(h) AS hcp

// name: hcp_ids_existing
// mode: read
UNWIND $ids AS id
MATCH (h:HCP {id: id})
RETURN h.id AS id

// ---------------------------------------------------------------- network

// name: ego_coauthor_edges
// mode: read
UNWIND $ids AS sid
MATCH (a:HCP {id: sid})-[:AUTHORED]->(p:Publication)<-[:AUTHORED]-(b:HCP)
WHERE b.id <> sid
RETURN sid AS source, b.id AS target, count(p) AS weight
ORDER BY weight DESC, target
LIMIT $limit

// name: ego_referral_edges
// mode: read
UNWIND $ids AS sid
MATCH (a:HCP {id: sid})-[r:REFERS_TO]->(b:HCP)
RETURN sid AS source, b.id AS target, coalesce(r.pair_count, 1) AS weight
ORDER BY weight DESC, target
LIMIT $limit

// name: ego_referral_in_edges
// mode: read
UNWIND $ids AS sid
MATCH (a:HCP {id: sid})<-[r:REFERS_TO]-(b:HCP)
RETURN b.id AS source, sid AS target, coalesce(r.pair_count, 1) AS weight
ORDER BY weight DESC, source
LIMIT $limit

// name: ego_congress_edges
// mode: read
UNWIND $ids AS sid
MATCH (a:HCP {id: sid})-[:PRESENTED_AT]->(s:Session)<-[:PRESENTED_AT]-(b:HCP)
WHERE b.id <> sid
RETURN sid AS source, b.id AS target, count(s) AS weight
ORDER BY weight DESC, target
LIMIT $limit

// name: ego_trial_edges
// mode: read
UNWIND $ids AS sid
MATCH (a:HCP {id: sid})-[:INVESTIGATOR_OF]->(t:Trial)<-[:INVESTIGATOR_OF]-(b:HCP)
WHERE b.id <> sid
RETURN sid AS source, b.id AS target, count(t) AS weight
ORDER BY weight DESC, target
LIMIT $limit

// name: network_nodes
// mode: read
UNWIND $ids AS id
MATCH (h:HCP {id: id})
RETURN h.id AS id, h.name AS name, h.specialty AS specialty, h.influence AS influence,
       h.tier AS tier, h.segment AS segment, h.community AS community,
       h.community_role AS community_role

// name: community_members
// mode: read
MATCH (h:HCP)
WHERE toString(h.community) = $community
RETURN h.id AS id, h.name AS name, h.specialty AS specialty, h.influence AS influence,
       h.tier AS tier, h.segment AS segment, h.community AS community,
       h.community_role AS community_role
ORDER BY coalesce(h.influence, -1.0) DESC, id
LIMIT $limit

// name: community_size
// mode: read
MATCH (h:HCP)
WHERE toString(h.community) = $community
RETURN count(h) AS n

// name: community_bridges
// mode: read
MATCH (h:HCP)
WHERE toString(h.community) = $community
MATCH (h)-[:REFERS_TO|AUTHORED|PRESENTED_AT]-(x)
MATCH (x)-[:REFERS_TO|AUTHORED|PRESENTED_AT]-(o:HCP)
WHERE o.community IS NOT NULL AND toString(o.community) <> $community
RETURN h.id AS id, count(DISTINCT o.community) AS other_communities, count(DISTINCT o) AS ties
ORDER BY other_communities DESC, ties DESC, id
LIMIT $limit

// ---------------------------------------------------------------- engagements

// name: record_engagements
// mode: write
// An engagement already recorded for another HCP or department is left alone (checked
// inside the statement, so racing writers cannot attach one engagement to two HCPs);
// the caller compares the returned ids with the rows it sent.
UNWIND $rows AS row
MATCH (h:HCP {id: row.hcp_id})
MERGE (e:Engagement {id: row.id})
WITH row, h, e
WHERE coalesce(e.hcp_id, row.hcp_id) = row.hcp_id
  AND coalesce(e.department, row.department) = row.department
SET e += row.props
MERGE (d:Department {id: row.department_id})
ON CREATE SET d.name = row.department
MERGE (e)-[:WITH_HCP]->(h)
MERGE (e)-[:OWNED_BY]->(d)
RETURN e.id AS id

// name: link_engagement_employees
// mode: write
UNWIND $rows AS row
MATCH (e:Engagement {id: row.id})
MATCH (d:Department {id: row.department_id})
MERGE (m:Employee {id: row.employee_node_id})
ON CREATE SET m.department = row.department
MERGE (m)-[:MEMBER_OF]->(d)
MERGE (e)-[:BY]->(m)

// name: engagement_ids_existing
// mode: read
UNWIND $ids AS id
MATCH (e:Engagement {id: id})
RETURN e.id AS id, e.hcp_id AS hcp_id, e.department AS department,
       e.employee_id AS employee_id, e.recorded_by AS recorded_by, properties(e) AS props

// name: engagements_of_hcp
// mode: read
MATCH (h:HCP {id: $id})
WITH h
MATCH (h)<-[:WITH_HCP]-(e:Engagement)
WITH e, coalesce(e.date, '') AS d
WHERE ($department IS NULL OR e.department = $department)
  AND ($type IS NULL OR e.type = $type)
  AND ($date_from IS NULL OR d >= $date_from)
  AND ($date_to IS NULL OR d <= $date_to)
  AND ($employee_id IS NULL OR e.employee_id = $employee_id)
  AND ($after_date IS NULL OR d < $after_date OR (d = $after_date AND e.id > $after_id))
RETURN properties(e) AS engagement
ORDER BY d DESC, e.id
LIMIT $limit

// ---------------------------------------------------------------- contact tracking

// name: contacts_of_hcp
// mode: read
MATCH (h:HCP {id: $id})
WITH h
MATCH (h)<-[:WITH_HCP]-(e:Engagement)
WHERE coalesce(e.date, '') >= $since
OPTIONAL MATCH (e)-[:BY]->(m:Employee)
RETURN properties(e) AS engagement, m.name AS employee_name
ORDER BY e.date DESC, e.id

// name: multi_department_kols
// mode: read
MATCH (e:Engagement)
WHERE e.date >= $since AND coalesce(e.date, $until) <= $until AND e.department IS NOT NULL
MATCH (e)-[:WITH_HCP]->(h:HCP)
WITH h, collect(DISTINCT e.department) AS departments, count(e) AS engagements,
     max(e.date) AS last_date
WHERE size(departments) >= $min_departments
RETURN h.id AS id, h.name AS name, h.tier AS tier, h.influence AS influence,
       departments, engagements, last_date
ORDER BY size(departments) DESC, engagements DESC, id
LIMIT $limit

// name: uncontacted_kols
// mode: read
MATCH (h:HCP)
WHERE h.tier = $tier
OPTIONAL MATCH (h)<-[:WITH_HCP]-(e:Engagement)
WITH h, max(CASE WHEN e.date <= $until THEN e.date END) AS last_date
WHERE last_date IS NULL OR last_date < $since
RETURN h.id AS id, h.name AS name, h.tier AS tier, h.influence AS influence, last_date
ORDER BY coalesce(h.influence, -1.0) DESC, id
LIMIT $limit

// ---------------------------------------------------------------- plans

// name: save_plan
// mode: write
MATCH (h:HCP {id: $hcp_id})
MERGE (p:Plan {id: $id})
SET p += $props
MERGE (d:Department {id: $department_id})
ON CREATE SET d.name = $department
MERGE (p)-[:FOR_HCP]->(h)
MERGE (p)-[:OWNED_BY]->(d)
RETURN properties(p) AS plan

// name: plan_by_id
// mode: read
MATCH (p:Plan {id: $id})
RETURN properties(p) AS plan

// name: plans_of_hcp
// mode: read
MATCH (h:HCP {id: $id})
WITH h
MATCH (p:Plan)-[:FOR_HCP]->(h)
RETURN properties(p) AS plan
ORDER BY p.period_start DESC, p.id

// name: plan_actuals
// mode: read
MATCH (h:HCP {id: $hcp_id})
WITH h
MATCH (h)<-[:WITH_HCP]-(e:Engagement)
WHERE e.department = $department AND e.date >= $period_start AND e.date <= $period_end
RETURN e.type AS type, count(e) AS engagements, sum(coalesce(e.amount, e.cost, 0.0)) AS spend,
       max(e.date) AS last_date
ORDER BY type

// name: plans_in_period
// mode: read
MATCH (p:Plan)
WHERE p.period_start <= $period_end AND p.period_end >= $period_start
  AND ($department IS NULL OR p.department = $department)
RETURN p.id AS id, p.hcp_id AS hcp_id, p.department AS department,
       coalesce(p.planned_engagements, 0) AS planned_engagements

// ---------------------------------------------------------------- KPIs

// The KPI statements aggregate in the database: a period of a large CRM holds hundreds of
// thousands of engagements, and moving them to the client costs far more than counting.
// All share one filter: period, department, employee, the HCP's segment, the territory of
// the employee (the engagement's BY).

// name: kpi_by_segment
// mode: read
MATCH (e:Engagement)
WHERE e.date >= $period_start AND e.date <= $period_end
  AND ($department IS NULL OR e.department = $department)
  AND ($employee_id IS NULL OR e.employee_id = $employee_id)
MATCH (e)-[:WITH_HCP]->(h:HCP)
WHERE $segment IS NULL OR h.segment = $segment
OPTIONAL MATCH (e)-[:BY]->(m:Employee)
WITH e, h, m
WHERE $territory IS NULL OR m.territory = $territory
WITH e, h, e.type IN $field_types AS field, e.type IN $detailing_types AS detailing,
     e.type = 'visit' AND h.lat IS NOT NULL AND h.lon IS NOT NULL AS located
WITH e, h, field, detailing, located,
     CASE WHEN located AND e.lat IS NOT NULL AND e.lon IS NOT NULL
          THEN 2 * 6371008.8 * asin(sqrt(
               sin(radians(e.lat - h.lat) / 2) ^ 2
               + cos(radians(h.lat)) * cos(radians(e.lat)) * sin(radians(e.lon - h.lon) / 2) ^ 2))
     END AS distance_m,
     detailing AND size(coalesce(e.key_messages, [])) > 0 AS with_messages
RETURN h.segment AS segment,
       count(e) AS engagements,
       count(DISTINCT h) AS hcps,
       sum(CASE WHEN field THEN 1 ELSE 0 END) AS field,
       collect(DISTINCT CASE WHEN field THEN e.employee_id END) AS employees,
       sum(CASE WHEN e.type = 'visit' THEN 1 ELSE 0 END) AS visits,
       sum(CASE WHEN located THEN 1 ELSE 0 END) AS visits_located,
       sum(CASE WHEN distance_m <= $radius_m THEN 1 ELSE 0 END) AS verified_visits,
       sum(CASE WHEN detailing THEN 1 ELSE 0 END) AS detailing,
       sum(CASE WHEN with_messages THEN 1 ELSE 0 END) AS with_messages,
       sum(CASE WHEN with_messages AND coalesce(e.outcome, '') <> ''
                 AND coalesce(e.objective, '') <> '' AND coalesce(e.notes, '') <> ''
                THEN 1 ELSE 0 END) AS complete

// name: kpi_outcomes
// mode: read
MATCH (e:Engagement)
WHERE e.date >= $period_start AND e.date <= $period_end AND e.type IN $detailing_types
  AND ($department IS NULL OR e.department = $department)
  AND ($employee_id IS NULL OR e.employee_id = $employee_id)
MATCH (e)-[:WITH_HCP]->(h:HCP)
WHERE $segment IS NULL OR h.segment = $segment
OPTIONAL MATCH (e)-[:BY]->(m:Employee)
WITH e, m
WHERE $territory IS NULL OR m.territory = $territory
RETURN CASE WHEN coalesce(e.outcome, '') = '' THEN 'unreported' ELSE e.outcome END AS outcome,
       count(e) AS n

// name: kpi_target_engagements
// mode: read
UNWIND $hcp_ids AS hcp_id
MATCH (h:HCP {id: hcp_id})
WHERE $segment IS NULL OR h.segment = $segment
MATCH (h)<-[:WITH_HCP]-(e:Engagement)
WHERE e.date >= $period_start AND e.date <= $period_end
  AND ($department IS NULL OR e.department = $department)
  AND ($employee_id IS NULL OR e.employee_id = $employee_id)
OPTIONAL MATCH (e)-[:BY]->(m:Employee)
WITH h, e, m
WHERE $territory IS NULL OR m.territory = $territory
RETURN h.id AS hcp_id, e.department AS department, count(e) AS n

// name: kpi_latest_engagement
// mode: read
MATCH (e:Engagement)
WHERE ($department IS NULL OR e.department = $department)
  AND ($employee_id IS NULL OR e.employee_id = $employee_id)
MATCH (e)-[:WITH_HCP]->(h:HCP)
WHERE $segment IS NULL OR h.segment = $segment
OPTIONAL MATCH (e)-[:BY]->(m:Employee)
WITH e, m
WHERE $territory IS NULL OR m.territory = $territory
RETURN max(e.date) AS latest

// name: segment_sizes
// mode: read
MATCH (h:HCP)
WHERE h.segment IN ['A', 'B', 'C']
RETURN h.segment AS segment, count(h) AS n

// ---------------------------------------------------------------- score runs

// name: score_runs
// mode: read
MATCH (r:ScoreRun)
RETURN properties(r) AS run
ORDER BY r.created_at DESC, r.id
LIMIT $limit

// ---------------------------------------------------------------- profile in one round trip

// name: hcp_profile_bundle
// mode: read
// A topic counts the papers that carry it: FalkorDB folds a path whose middle node is not
// used later into one step, so count(tp) would count each topic once, whatever the papers.
MATCH (h:HCP {id: $id})
OPTIONAL MATCH (h)-[af:AFFILIATED_WITH]->(i:Institution)
WITH h, collect(CASE WHEN i IS NULL THEN null ELSE
  {id: i.id, name: i.name, city: i.city, country: i.country, year: af.year} END) AS affiliations
OPTIONAL MATCH (h)-[a:AUTHORED]->(p:Publication)
WITH h, affiliations, collect(CASE WHEN p IS NULL THEN null ELSE
  {id: p.id, title: p.title, year: p.year, journal: p.journal, role: a.role,
   topic_ids: p.topic_ids} END) AS publications
OPTIONAL MATCH (h)-[:AUTHORED]->(tpub:Publication)-[:HAS_TOPIC]->(tp:Topic)
WHERE tp.check_tag IS NULL
WITH h, affiliations, publications, tp.name AS topic, count(DISTINCT tpub) AS n
ORDER BY n DESC, topic
WITH h, affiliations, publications,
     collect(CASE WHEN n = 0 THEN null ELSE {name: topic, n: n} END)[0..10] AS top_topics
OPTIONAL MATCH (h)-[:AUTHORED]->(p2:Publication)<-[:AUTHORED]-(co:HCP)
WITH h, affiliations, publications, top_topics, co.id AS co_id, co.name AS co_name,
     count(p2) AS shared
ORDER BY shared DESC, co_id
WITH h, affiliations, publications, top_topics,
     collect(CASE WHEN shared = 0 OR co_id = h.id THEN null ELSE
       {id: co_id, name: co_name, shared_publications: shared} END)[0..10] AS collaborators
OPTIONAL MATCH (h)-[pr:PRESENTED_AT]->(se:Session)
OPTIONAL MATCH (se)-[:PART_OF]->(c:Congress)
WITH h, affiliations, publications, top_topics, collaborators, count(se) AS sessions,
     count(DISTINCT c) AS congresses, collect(DISTINCT pr.role) AS congress_roles,
     max(c.year) AS congress_last_year
OPTIONAL MATCH (h)-[:INVESTIGATOR_OF]->(t:Trial)
WITH h, affiliations, publications, top_topics, collaborators, sessions, congresses,
     congress_roles, congress_last_year, count(t) AS trials
OPTIONAL MATCH (h)-[ro:REFERS_TO]->(o:HCP)
WITH h, affiliations, publications, top_topics, collaborators, sessions, congresses,
     congress_roles, congress_last_year, trials, collect(CASE WHEN o IS NULL THEN null ELSE
       {id: o.id, name: o.name, pair_count: coalesce(ro.pair_count, 0)} END) AS referrals_out
OPTIONAL MATCH (h)<-[ri:REFERS_TO]-(q:HCP)
WITH h, affiliations, publications, top_topics, collaborators, sessions, congresses,
     congress_roles, congress_last_year, trials, referrals_out,
     collect(CASE WHEN q IS NULL THEN null ELSE
       {id: q.id, name: q.name, pair_count: coalesce(ri.pair_count, 0)} END) AS referrals_in
OPTIONAL MATCH (h)<-[:WITH_HCP]-(e:Engagement)
WITH h, affiliations, publications, top_topics, collaborators, sessions, congresses,
     congress_roles, congress_last_year, trials, referrals_out, referrals_in,
     e.department AS department, count(e) AS engagements, max(e.date) AS last_date,
     sum(coalesce(e.amount, e.cost, 0.0)) AS spend
WITH h, affiliations, publications, top_topics, collaborators, sessions, congresses,
     congress_roles, congress_last_year, trials, referrals_out, referrals_in,
     collect(CASE WHEN engagements = 0 THEN null ELSE
       {department: department, engagements: engagements, last_date: last_date, spend: spend}
     END) AS engagement_departments
OPTIONAL MATCH (s:Score)-[:SCORES]->(h)
OPTIONAL MATCH (s)-[:IN_RUN]->(run:ScoreRun)
WITH h, affiliations, publications, top_topics, collaborators, sessions, congresses,
     congress_roles, congress_last_year, trials, referrals_out, referrals_in,
     engagement_departments, s, run
ORDER BY CASE WHEN run.id = h.score_run THEN 1 ELSE 0 END DESC, run.created_at DESC
WITH h, affiliations, publications, top_topics, collaborators, sessions, congresses,
     congress_roles, congress_last_year, trials, referrals_out, referrals_in,
     engagement_departments,
     collect(CASE WHEN s IS NULL THEN null ELSE [properties(s), properties(run)] END)[0] AS score
// the pages whose id range holds the HCP: the run it carries first, then the newest
OPTIONAL MATCH (page:ScorePage)-[:IN_RUN]->(prun:ScoreRun)
WHERE page.first_hcp <= h.id AND h.id <= page.last_hcp
WITH h, affiliations, publications, top_topics, collaborators, sessions, congresses,
     congress_roles, congress_last_year, trials, referrals_out, referrals_in,
     engagement_departments, score, page, prun
ORDER BY CASE WHEN prun.id = h.score_run THEN 1 ELSE 0 END DESC, prun.created_at DESC
WITH h, affiliations, publications, top_topics, collaborators, sessions, congresses,
     congress_roles, congress_last_year, trials, referrals_out, referrals_in,
     engagement_departments, score,
     collect(CASE WHEN page IS NULL THEN null ELSE [page.id, properties(prun)] END)
       AS score_pages
RETURN properties(h) AS hcp, score, score_pages, affiliations, publications, top_topics,
       collaborators, sessions, congresses, congress_roles, congress_last_year, trials,
       referrals_out, referrals_in, engagement_departments
