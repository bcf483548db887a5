"""Named Cypher statements, shipped as package data (``*.cypher``)."""
