// Names for communities a person can read: their members' most shared major topics and
// institutions. Read by kolgraph.krm.communities.

// name: community_topics
// mode: read
MATCH (h:HCP)
WHERE h.community IS NOT NULL AND toString(h.community) IN $communities
MATCH (h)-[:AUTHORED|INVESTIGATOR_OF|PRESENTED_AT]->()-[r:HAS_TOPIC]->(t:Topic)
WHERE (coalesce(r.major, false) OR t.scheme = 'condition') AND t.check_tag IS NULL
WITH toString(h.community) AS community, t.name AS name, count(DISTINCT h) AS members
ORDER BY community, members DESC, name
RETURN community, collect(name)[0..$per_community] AS names

// name: community_institutions
// mode: read
MATCH (h:HCP)
WHERE h.community IS NOT NULL AND toString(h.community) IN $communities
OPTIONAL MATCH (h)-[:AFFILIATED_WITH]->(i:Institution)
WITH toString(h.community) AS community, h, coalesce(i.name, h.institution) AS name
WHERE name IS NOT NULL
WITH community, name, count(DISTINCT h) AS members
ORDER BY community, members DESC, name
RETURN community, collect(name)[0..$per_community] AS names

// name: community_sizes
// mode: read
MATCH (h:HCP)
WHERE h.community IS NOT NULL AND toString(h.community) IN $communities
RETURN toString(h.community) AS community, count(h) AS size
