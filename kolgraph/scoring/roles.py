"""An HCP's role inside its community: hub or not, connector or not.

Guimerà and Amaral's cartography (Nature 433, 2005): the within-community strength
z-score ``z`` says how central an HCP is inside its own community, the participation
coefficient ``P = 1 - sum_s (k_s / k)^2`` how evenly its ties spread over communities.
Hubs have ``z >= 2.5``; by ``P`` they are provincial (<= 0.30), connector (<= 0.75) or
kinless hubs; non-hubs are ultra-peripheral (<= 0.05), peripheral (<= 0.62),
connectors (<= 0.80) or kinless. Connectors bridge communities.

Examples
--------
>>> import numpy as np
>>> role_names(np.array([0.1, 0.7]), np.array([3.0, 0.0]))
['provincial_hub', 'connector']
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from kolgraph.scoring.edges import EdgeArrays

__all__ = ["HUB_Z", "participation_and_z", "role_names"]

HUB_Z = 2.5
_HUB_ROLES = ((0.30, "provincial_hub"), (0.75, "connector_hub"), (1.01, "kinless_hub"))
_NODE_ROLES = (
    (0.05, "ultra_peripheral"),
    (0.62, "peripheral"),
    (0.80, "connector"),
    (1.01, "kinless"),
)


def participation_and_z(
    arrays: EdgeArrays, membership: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Participation coefficient and within-community strength z-score per node.

    Nodes without ties get ``P = 0``; communities whose members all have the same
    internal strength give ``z = 0``.

    Examples
    --------
    >>> a = EdgeArrays.from_arrays(["a", "b", "c"], [0, 1], [1, 2])
    >>> p, z = participation_and_z(a, np.array([0, 0, 1]))
    >>> [round(x, 2) for x in p.tolist()]
    [0.0, 0.5, 0.0]
    """
    arrays = arrays.undirected()
    n = arrays.n_nodes
    if n == 0:
        return np.zeros(0), np.zeros(0)
    n_comm = int(membership.max()) + 1
    per_comm = _strength_per_community(arrays, membership, n_comm)
    strength = np.asarray(per_comm.sum(axis=1)).ravel()
    # the squares share the matrix's structure: only its values are copied
    squared = sp.csr_matrix((per_comm.data**2, per_comm.indices, per_comm.indptr), per_comm.shape)
    squares = np.asarray(squared.sum(axis=1)).ravel()
    del squared
    with np.errstate(divide="ignore", invalid="ignore"):
        participation = np.where(strength > 0, 1.0 - squares / strength**2, 0.0)
    inside = np.asarray(per_comm[np.arange(n), membership]).ravel()
    counts = np.bincount(membership, minlength=n_comm).astype(np.float64)
    mean = np.bincount(membership, weights=inside, minlength=n_comm) / counts
    mean_sq = np.bincount(membership, weights=inside**2, minlength=n_comm) / counts
    std = np.sqrt(np.maximum(mean_sq - mean**2, 0.0))
    spread = std[membership]
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(spread > 1e-12, (inside - mean[membership]) / spread, 0.0)
    return np.clip(participation, 0.0, 1.0), z


def _strength_per_community(
    arrays: EdgeArrays, membership: np.ndarray, n_comm: int
) -> sp.csr_matrix:
    """Each node's (row) tie strength into each community (column) of undirected
    ``arrays``: one end of every tie at a time (10M ties: half the memory of both at once)."""
    n = arrays.n_nodes
    small = max(n, n_comm) < np.iinfo(np.int32).max
    ends = np.int32 if small else np.int64
    groups = membership.astype(ends, copy=False)
    per_comm = sp.csr_matrix((n, n_comm))
    for mine, theirs in ((arrays.src, arrays.dst), (arrays.dst, arrays.src)):
        half = sp.csr_matrix(
            (arrays.weight, (mine.astype(ends, copy=False), groups[theirs])), shape=(n, n_comm)
        )
        per_comm = per_comm + half
        del half
    per_comm.sum_duplicates()
    return per_comm


def role_names(participation: np.ndarray, z: np.ndarray) -> list[str]:
    """Role label per node from participation ``P`` and z-score ``z`` (regions R1-R7)."""
    roles: list[str] = []
    for p, zi in zip(participation.tolist(), z.tolist(), strict=True):
        table = _HUB_ROLES if zi >= HUB_Z else _NODE_ROLES
        roles.append(next(name for bound, name in table if p <= bound))
    return roles
