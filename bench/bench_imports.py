"""How the package's modules lean on each other: imports between the stages (ingest, write, speak,
mix, and the packages above them), and imports inside functions, podgen's own and others'.

    python bench/bench_imports.py
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "podgen"
STAGES = ("ingest", "write", "speak", "mix")
PACKAGES = (*STAGES, "check", "video", "publish", "studio", "edit")


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def resolve(node: ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    if node.level == 0:
        base = node.module or ""
    else:
        parts = module.split(".")
        parts = parts if is_package else parts[:-1]
        parts = parts[: len(parts) - (node.level - 1)]
        base = ".".join(parts + ([node.module] if node.module else []))
    return [base] if node.module else [f"{base}.{a.name}" for a in node.names]


def imports(path: Path):
    """(imported module, inside a function?) for each import statement's target."""
    module = module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inside: set[int] = set()
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inside.update(id(n) for n in ast.walk(fn) if n is not fn)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((a.name, id(node) in inside) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield from ((t, id(node) in inside) for t in resolve(node, module, path.name == "__init__.py"))


def main() -> None:
    between: Counter[tuple[str, str]] = Counter()
    in_functions = own_in_functions = lines = files = 0
    for path in sorted(ROOT.rglob("*.py")):
        files += 1
        lines += len(path.read_text(encoding="utf-8").splitlines())
        importer = package_of(module_name(path))
        for target, in_function in imports(path):
            in_functions += in_function
            own = target.startswith("podgen")
            own_in_functions += in_function and own
            imported = package_of(target) if own else ""
            if importer in PACKAGES and imported in PACKAGES and importer != imported:
                between[(importer, imported)] += 1
    stage_pairs = {k: v for k, v in between.items() if k[0] in STAGES and k[1] in STAGES}
    print(f"podgen: {files} modules, {lines} lines")
    print(f"imports between the stages ingest, write, speak, mix: {sum(stage_pairs.values())}")
    for (a, b), n in sorted(stage_pairs.items()):
        print(f"  {a} -> {b}: {n}")
    print(
        f"imports between the packages above them ({', '.join(PACKAGES[4:])}) and the stages or each other: "
        f"{sum(between.values()) - sum(stage_pairs.values())}"
    )
    print(f"imports inside functions: {in_functions} ({own_in_functions} of podgen's own)")


if __name__ == "__main__":
    main()
