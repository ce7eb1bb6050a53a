"""The import graph, drawn with grimp (every import, at the top of a module or inside a function):
no cycles, and no arrow that runs back up the layers, from a stage to what drives it."""

from __future__ import annotations

import grimp
import pytest
from grimp import Layer

LAYERS = (
    Layer("__main__"),
    Layer("cli"),
    Layer("studio"),
    Layer("batch", "fix", "doctor"),
    Layer("pipeline"),
    Layer("publish", "check"),
    Layer("video"),
    Layer("record"),
    Layer("ingest", "write", "speak", "mix"),
    Layer("edit", "llm", "asr", "prompts", "cluster", "ffmpeg", independent=False),
    Layer("folder", "registry", "images", independent=False),
    Layer("contracts"),
    Layer("config", "models", "files", "redact", "text", independent=False),
    Layer("errors", "about", independent=False),
)
"""From the top down: a module may import from the layers below its own, never from one above.
The stages (ingest, write, speak, mix) stand alone: none imports another, and what they share
lives below them (``text``, ``folder``, ``images``, ``llm``...). So do publish and check, and
the modules of the command line's own layers (batch, fix, doctor). Every package is in a layer."""
KNOWN_CYCLES: list[list[str]] = []
"""Groups of modules allowed to import each other (none)."""


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("podgen", cache_dir=None)


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected groups of modules (Tarjan's algorithm, without recursion)."""
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        while work:
            node, children = work[-1]
            child = next((c for c in children if c in edges), None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = stack[stack.index(node) :]
                    del stack[stack.index(node) :]
                    groups += [sorted(group)] if len(group) > 1 else []
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                work.append((child, iter(edges[child])))
            elif child in stack:
                low[node] = min(low[node], index[child])
    return groups


def test_the_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for a, b in (("x.a", "x.b"), ("x.b", "x.c"), ("x.c", "x.a"), ("x.c", "x.d")):
        graph.add_import(importer=a, imported=b)
    assert cycles(graph) == [["x.a", "x.b", "x.c"]]


def test_there_are_no_import_cycles(graph):
    assert [group for group in cycles(graph) if group not in KNOWN_CYCLES] == []


def test_every_package_and_module_is_in_a_layer(graph):
    layered = {name for layer in LAYERS for name in layer.module_tails}
    top = {m.split(".")[1] for m in graph.modules if m.count(".") >= 1}
    assert top - layered == set()


def test_no_import_runs_back_up_the_layers(graph):
    illegal = graph.find_illegal_dependencies_for_layers(layers=LAYERS, containers={"podgen"})
    assert not illegal, sorted(f"{d.importer} -> {d.imported}" for d in illegal)
