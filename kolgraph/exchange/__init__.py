"""Moving the graph in and out: Gephi files, analyst tables and the Neo4j bulk-import set.

* :func:`property_graph` / :func:`write_graph`: GraphML and GEXF via NetworkX.
* :func:`table` / :func:`write_table`: HCPs with scores, engagements, contacts as CSV or
  Parquet.
* :func:`export_neo4j_csv` / :func:`import_neo4j_csv`: the ``neo4j-admin database import``
  layout, both ways, so an embedded installation can move to Neo4j and back.
"""

from kolgraph.exchange.gephi import hcp_subgraph, property_graph, write_graph
from kolgraph.exchange.neo4j_csv import (
    ExportSummary,
    ImportSummary,
    export_neo4j_csv,
    import_neo4j_csv,
)
from kolgraph.exchange.tables import (
    TABLES,
    contact_table,
    engagement_table,
    table,
    write_table,
)

__all__ = [
    "TABLES",
    "ExportSummary",
    "ImportSummary",
    "contact_table",
    "engagement_table",
    "export_neo4j_csv",
    "hcp_subgraph",
    "import_neo4j_csv",
    "property_graph",
    "table",
    "write_graph",
    "write_table",
]
