"""What the KRM functions return: typed records, one module per area.

The HTTP API answers with these same classes (``kolgraph.api.schemas`` re-exports them), so
a field added here appears in the core's results, the OpenAPI spec and the JSON at once.

>>> from kolgraph.krm.results import Readiness
>>> Readiness(ready=True, hcps=3, score_runs=1).model_dump()
{'ready': True, 'hcps': 3, 'score_runs': 1}
"""
