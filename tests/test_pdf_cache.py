"""Which PDFs a run prints again: a published (sealed) issue's PDF only when its data is deliberately changed."""
from __future__ import annotations

from generators.tools import pdf
from generators.errors import Problems
from generators.load.snapshots import load_archive
from generators.load.seal import read_seals

from conftest import DATA, ROOT, copy_data
from test_immutability import add_next_week


def keys(data):
    return pdf.pdf_keys(load_archive(data), read_seals(data, Problems(data)), ROOT)


def test_a_sealed_issues_pdf_key_ignores_code_and_style_and_later_weeks(tmp_path, monkeypatch):
    data = copy_data(tmp_path, sealed=True)
    before = keys(data)
    assert all(k.startswith("s") for k in before.values())        # every sample issue is sealed
    add_next_week(data)
    monkeypatch.setattr(pdf, "PRINT_ASSETS", ())                   # as if print.css and print.js changed
    monkeypatch.setattr(pdf, "page_keys", lambda snapshots, registry: ["new code"] * len(snapshots))   # and the generator
    after = keys(data)
    assert {slug: after[slug] for slug in before} == before
    assert after["2024-11-29"].startswith("p")                     # not sealed yet: keyed like its page


def test_an_unsealed_issue_and_every_later_one_are_printed_again_when_it_changes(tmp_path):
    data = copy_data(tmp_path, sealed=True)
    before = keys(data)
    seals = data / "published.sha256"
    seals.write_text("".join(line + "\n" for line in seals.read_text(encoding="utf-8").splitlines()
                             if "2024-11-08/" not in line), encoding="utf-8")       # weekly unseal 2024-11-08
    after = keys(data)
    changed = sorted(slug for slug in before if after[slug] != before[slug])
    assert changed == ["2024-11-08", "2024-11-15", "2024-11-22"]


def test_the_edition_number_reprints_everything(tmp_path, monkeypatch):
    data = copy_data(tmp_path, sealed=True)
    before = keys(data)
    monkeypatch.setattr(pdf, "EDITION", "2")
    assert all(keys(data)[slug] != key for slug, key in before.items())
