"""What a check found: findings, measurements, the audio it heard, and check.json (the file
`podgen batch` and `podgen feed --only-checked` read, through ``folder.current_check``)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..files import write_text
from ..folder import CHECK


@dataclass
class Finding:
    check: str
    """What was checked, for example "speech.wer", "loudness", "id3.chapters"."""
    passed: bool
    """False fails the episode. A warning passes: readers that know only "passed" stay right."""
    message: str
    """What was measured, and for a failure what is wrong."""
    line: int | None = None
    """Index of the script line (0-based), when the finding is about one line."""
    time: float | None = None
    """Seconds into episode.mp3 where the problem is."""
    effect: str = ""
    """What a listener, player or directory does with a failure."""
    severity: str = "error"
    """"warning": passed, but shown, because something is missing that a directory may want."""
    expected: str | None = None
    heard: str | None = None


@dataclass
class Fix:
    """One line spoken again by --fix."""

    line: int
    text: str
    wer_before: float
    wer_after: float
    take: str


@dataclass
class Report:
    folder: Path
    findings: list[Finding] = field(default_factory=list)
    measured: dict[str, Any] = field(default_factory=dict)
    """Figures: duration, loudness, true peak, word error rate, seconds spent per part."""
    fixes: list[Fix] = field(default_factory=list)
    audio: dict[str, Any] = field(default_factory=dict)
    """The audio this report is about (``folder.audio_identity``): a check of other audio is no check."""
    checked: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def passed(self) -> bool:
        return all(f.passed for f in self.findings)

    @property
    def failures(self) -> list[Finding]:
        return [f for f in self.findings if not f.passed]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.passed and f.severity == "warning"]

    @property
    def path(self) -> Path:
        return self.folder / CHECK

    def to_dict(self) -> dict[str, Any]:
        findings = [
            {k: v for k, v in asdict(f).items() if v is not None or k in ("line", "time")} for f in self.findings
        ]
        return {
            "passed": self.passed,
            "checked": self.checked,
            "episode": str(self.folder),
            "audio": self.audio,
            "findings": findings,
            "measured": self.measured,
            "fixes": [asdict(x) for x in self.fixes],
        }

    def write(self) -> Path:
        """check.json in the episode folder, written atomically."""
        return write_text(self.path, json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n")
