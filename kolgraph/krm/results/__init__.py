"""What the KRM functions return: typed records, one module per area.

``hcps`` (search pages, lookups), ``profile``, ``network`` (ego networks, communities),
``engagements``, ``contacts`` (contact tracking, portfolio), ``alerts``, ``plans``, ``kpis``,
``audit``, ``payments``, ``runs`` and ``health``; ``base`` holds the open record they share.

The HTTP API answers with these same classes (``kolgraph.api.schemas`` re-exports them), so
a field added here appears in the core's results, the OpenAPI spec and the JSON at once.

>>> from kolgraph.krm.results.health import Readiness
>>> Readiness(ready=True, hcps=3, score_runs=1).model_dump()
{'ready': True, 'hcps': 3, 'score_runs': 1}
"""
