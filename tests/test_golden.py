"""Golden test: the seed issue's generated Markdown, reviewed when it changes.

Run with UPDATE_GOLDEN=1 to rewrite the golden file after an intended change, then review the diff.
"""
from __future__ import annotations

import os
from pathlib import Path

from generators.assemble.pipeline import run

from conftest import DATA

GOLDEN = Path(__file__).parent / "golden" / "2024-11-22.md"


def test_seed_issue_markdown_matches_the_reviewed_golden_file():
    text = run(DATA).pages["issues/2024-11-22.md"]
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")
