// Open Payments upkeep: engagements an earlier loader made of every payment row.

// name: payments_engagement_rows
// mode: read
MATCH (e:Engagement)
WHERE e.type = 'payment' AND e.id STARTS WITH 'eng:op:'
OPTIONAL MATCH (e)-[w:WITH_HCP]->(h:HCP)
WITH e, collect({hcp: h.id, role: w.role}) AS people
OPTIONAL MATCH (e)-[:PAID_BY]->(m:Manufacturer)
WITH e, people, collect(m.id) AS makers
OPTIONAL MATCH (e)-[:ABOUT_PRODUCT]->(p:Product)
WITH e, people, makers, collect(p.id) AS products
OPTIONAL MATCH (x:Mention)-[a:APPEARS_IN]->(e)
WITH e, people, makers, products,
     collect({mention: x.id, position: a.position, role: a.role}) AS mentions
RETURN e.id AS id, properties(e) AS props, people, makers, products, mentions
ORDER BY id

// name: payments_delete_engagements
// mode: write
UNWIND $rows AS row
MATCH (e:Engagement {id: row.id})
REMOVE e:Engagement
DETACH DELETE e
