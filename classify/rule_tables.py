"""Rule tables as data: read a TOML file of classify/rules/ and compile the patterns it holds.

Why data: the regular expressions and weights are what a reviewer reads and tunes; the engines
(classify.criteria_rules, classify.evidence_rules, classify.summary_areas) only say how a match
counts. A pattern is a string or a list of strings joined into one (so long patterns stay
readable), and may name a fragment of the same file as ``{NAME}`` (upper-case letters only, so
regex quantifiers such as ``{0,80}`` are left alone).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

RULES_DIR = Path(__file__).parent / "rules"
_FRAGMENT = re.compile(r"\{([A-Z][A-Z_]*)\}")


def load_table(name: str) -> dict[str, Any]:
    """The parsed ``classify/rules/<name>.toml``."""
    return tomllib.loads((RULES_DIR / f"{name}.toml").read_text(encoding="utf-8"))


def pattern_text(spec: str | list[str], fragments: dict[str, str] | None = None) -> str:
    """One pattern's source: the parts joined, each ``{NAME}`` replaced by its fragment."""
    text = spec if isinstance(spec, str) else "".join(spec)
    fragments = fragments or {}
    missing = sorted({name for name in _FRAGMENT.findall(text) if name not in fragments})
    if missing:
        raise ValueError(f"pattern names unknown fragments {missing}: {text[:80]}")
    return _FRAGMENT.sub(lambda m: fragments[m.group(1)], text)


def fragment_texts(table: dict[str, Any]) -> dict[str, str]:
    """The table's ``[fragments]`` as name -> pattern source."""
    return {name: pattern_text(spec) for name, spec in table.get("fragments", {}).items()}


def compile_patterns(
    specs: dict[str, str | list[str]], fragments: dict[str, str] | None = None, flags: int = re.IGNORECASE
) -> dict[str, re.Pattern[str]]:
    """Name -> compiled pattern for one table of named patterns, in file order."""
    return {name: re.compile(pattern_text(spec, fragments), flags) for name, spec in specs.items()}
