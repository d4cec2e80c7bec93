"""Many-to-many shortest paths on the road graph with scipy.sparse.csgraph (compiled Dijkstra).

Each point becomes a virtual node on its segment, joined to the segment's ends (in the
directions the mode may go) and to other points on the same segment. Arc weights carry time and
distance in one exact float64: ``deciseconds * 2**24 + decimetres`` (both rounded up, integers
far below 2**53), so one Dijkstra finds the fastest path, breaks ties by the shorter one, and
both sums decode exactly.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from planner.travel.roads.graph import Arcs, RoadGraph
from planner.travel.roads.snap import Snaps

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
_SHIFT = float(2**24)  # decimetres per path stay below 2**24 (1,677 km)
#: sources per Dijkstra call: bounds memory to CHUNK x nodes x 8 bytes.
CHUNK = 64
#: sources x nodes above which worker processes pay for their start (about a second of work).
PARALLEL_WORK = 50_000_000


@dataclass(frozen=True)
class PathSums:
    """Exact sums along the fastest road path between points' attachment points."""

    seconds: F64  # inf where unreachable
    metres: F64


def _weights(seconds: F64, metres: F64) -> F64:
    ds = np.ceil(seconds * 10 - 1e-9)
    dm = np.maximum(np.ceil(metres * 10 - 1e-9), 1)  # csgraph drops zero-weight arcs
    return ds * _SHIFT + dm


def _virtual_arcs(
    graph: RoadGraph,
    arcs: Arcs,
    fwd: npt.NDArray[np.bool_],
    bwd: npt.NDArray[np.bool_],
    speed: F64,
    snaps: Snaps,
) -> tuple[I64, I64, F64, F64]:
    """Arcs joining point k (node N + k) to its segment's ends and to points on the same one."""
    n = graph.n_nodes
    tails, heads, secs, mets = [], [], [], []

    def add(t: I64, h: I64, m: F64, e: I64) -> None:
        """Add arcs ``t -> h``, ``m`` metres along segments ``e``, timed at their speed."""
        tails.append(t)
        heads.append(h)
        mets.append(m)
        secs.append(m / (speed[e] / 3.6))

    k = np.flatnonzero(snaps.edge >= 0)
    e, f = snaps.edge[k], snaps.fraction[k]
    length = graph.length_m[e]
    node = n + k
    for ok, into, out, m_in, m_out in (
        (fwd[e], graph.u[e], graph.v[e], f * length, (1 - f) * length),
        (bwd[e], graph.v[e], graph.u[e], (1 - f) * length, f * length),
    ):
        add(into[ok], node[ok], m_in[ok], e[ok])
        add(node[ok], out[ok], m_out[ok], e[ok])
    # points sharing a segment reach each other directly, not by way of its ends
    order = np.argsort(e, kind="stable")
    groups = np.split(order, np.flatnonzero(np.diff(e[order])) + 1)
    for g in (g for g in groups if len(g) > 1):
        grid_a, grid_b = np.meshgrid(g, g, indexing="ij")
        a, b = grid_a.ravel(), grid_b.ravel()
        keep = a != b
        a, b = a[keep], b[keep]
        ed = e[a]
        along = f[b] >= f[a]
        ok = np.where(along, fwd[ed], bwd[ed])
        add(node[a][ok], node[b][ok], np.abs(f[b] - f[a])[ok] * length[a][ok], ed[ok])
    cat = np.concatenate
    return (cat(tails).astype(np.int64), cat(heads).astype(np.int64), cat(secs), cat(mets))


def point_graph(graph: RoadGraph, mode: str, arcs: Arcs, snaps: Snaps) -> csr_matrix:
    """The mode's graph plus one virtual node per point (index ``n_nodes + k``)."""
    fwd, bwd, speed = graph.forward(mode), graph.backward(mode), graph.speed_kmh[mode]
    vt, vh, vs, vm = _virtual_arcs(graph, arcs, fwd, bwd, speed, snaps)
    tail = np.concatenate([arcs.tail, vt])
    head = np.concatenate([arcs.head, vh])
    weight = _weights(np.concatenate([arcs.seconds, vs]), np.concatenate([arcs.metres, vm]))
    # keep the lightest of parallel arcs (a CSR built from duplicates would add them up)
    order = np.lexsort((weight, head, tail))
    tail, head, weight = tail[order], head[order], weight[order]
    first = np.ones(len(tail), dtype=bool)
    first[1:] = (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])
    size = graph.n_nodes + len(snaps.edge)
    return csr_matrix((weight[first], (tail[first], head[first])), shape=(size, size))


def _rows(g: csr_matrix, sources: I64, targets: I64) -> F64:
    """Path weights from sources to targets, CHUNK sources per Dijkstra call."""
    parts = [
        dijkstra(g, directed=True, indices=sources[s : s + CHUNK])[:, targets]
        for s in range(0, len(sources), CHUNK)
    ]
    return np.vstack(parts) if parts else np.zeros((0, len(targets)))


def many_to_many(
    g: csr_matrix, n_nodes: int, n_points: int, workers: int | None = None
) -> PathSums:
    """Fastest paths between all pairs of points (virtual nodes), in chunks of sources.

    csgraph's Dijkstra holds the GIL, so big jobs go to worker processes (one per core);
    small ones stay in this process, where starting workers would cost more than it saves.
    """
    nodes = n_nodes + np.arange(n_points)
    if workers is None:
        big = n_points * g.shape[0] > PARALLEL_WORK
        workers = min(max(n_points // CHUNK, 1), os.cpu_count() or 1) if big else 1
    if workers > 1:  # one slice of sources per worker: the graph is pickled once each
        slices = np.array_split(nodes, workers)
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            parts = list(pool.map(_rows, [g] * workers, slices, [nodes] * workers))
        total = np.vstack(parts)
    else:
        total = _rows(g, nodes, nodes)
    return decode(total)


def decode(total: F64) -> PathSums:
    """Path sums back from the packed weights: seconds in the high part, metres in the low part,
    both in tenths (inf where unreachable)."""
    finite = np.isfinite(total)
    ds = np.where(finite, np.floor(np.where(finite, total, 0) / _SHIFT), np.inf)
    dm = np.where(finite, total - np.where(finite, ds, 0) * _SHIFT, np.inf)
    return PathSums(ds / 10.0, dm / 10.0)


def paths(g: csr_matrix, n_nodes: int, legs: list[tuple[int, int]]) -> tuple[list[list[int]], F64]:
    """Per leg between points: the node sequence (graph nodes and virtual ``n_nodes + k``) of
    the fastest path, empty where the target cannot be reached, and its encoded weight."""
    out: list[list[int]] = [[] for _ in legs]
    weight = np.full(len(legs), np.inf)
    sources = sorted({a for a, _ in legs})
    for s in range(0, len(sources), CHUNK):
        chunk = sources[s : s + CHUNK]
        dist, pred = dijkstra(
            g, directed=True, indices=[n_nodes + a for a in chunk], return_predecessors=True
        )
        row = {a: i for i, a in enumerate(chunk)}
        for k, (a, b) in enumerate(legs):
            if a not in row:
                continue
            weight[k] = dist[row[a], n_nodes + b]
            p, here, seq = pred[row[a]], n_nodes + b, [n_nodes + b]
            while here != n_nodes + a and here >= 0:
                here = int(p[here])
                seq.append(here)
            out[k] = seq[::-1] if here == n_nodes + a else []
    return out, weight
