// Reads a JSON array of {name, cypher} on stdin; prints a JSON array of
// {name, diagnostics: [{severity, message, line, column}]} using Neo4j's Cypher parser.
import { lintCypherQuery } from '@neo4j-cypher/language-support';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const statements = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const results = statements.map(({ name, cypher }) => {
  const { diagnostics } = lintCypherQuery(cypher, {}, {});
  return {
    name,
    diagnostics: diagnostics.map((d) => ({
      severity: d.severity,
      message: d.message,
      line: d.range?.start?.line,
      column: d.range?.start?.character,
    })),
  };
});
process.stdout.write(JSON.stringify(results));
