"""Fuzzing the loaders: generated CSV text and front matter either load or raise DataError, never crash."""
from __future__ import annotations

import csv
import io
import shutil
import tempfile
from datetime import date
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generators.exports.files import csv_lines, safe_cell
from generators.errors import DataError, Problems
from generators.load.snapshots import load_snapshot
from generators.schema.declarations import packaged
from generators.schema.snapshot import ISSUE_FIELD_NAMES

DATASETS = packaged().datasets

from conftest import DATA

SEED = "2024-11-22"
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Cells an analyst might plausibly type, mixed with arbitrary text.
CELLS = st.one_of(
    st.sampled_from(["", " ", "3.54", "-1.62", "+0.5", ".5", "5.", "１２", "＋３．５４％", "90,500", "1e5", "nan", "inf",
                     "2024-11-08", "2024-11", "2024-02-30", "true", "false", "是", "否", "text", "海外", "美股",
                     "GPU/CPU", "new", "used", "H100", "英伟达", '"', '""', "\\", "<script>", "\u200f", "😀"]),
    st.text(max_size=12),
)


def row(columns: int):
    return st.lists(CELLS, min_size=max(columns - 1, 0), max_size=columns + 1)


def csv_text(dataset):
    header = ",".join(c.name for c in dataset.columns)
    quoted = lambda cell: '"' + cell.replace('"', '""') + '"' if any(ch in cell for ch in ',"\n') else cell
    body = st.lists(row(len(dataset.columns)).map(lambda cells: ",".join(quoted(c) for c in cells)), max_size=6)
    raw = st.text(max_size=200)
    return st.one_of(body.map(lambda lines: "\n".join([header, *lines]) + "\n"), raw,
                     raw.map(lambda text: header + "\n" + text))


WORK = Path(tempfile.mkdtemp(prefix="weekly-fuzz-")) / "data"
shutil.copytree(DATA / SEED, WORK / SEED)


def loads_or_data_error(files: dict[str, str | bytes]) -> None:
    """Write the files into one snapshot and run its loader: a DataError is fine, anything else fails."""
    folder = WORK / SEED
    for name, content in files.items():
        (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    problems = Problems(WORK)
    try:
        load_snapshot(folder, date(2024, 11, 22), problems, WORK.resolve())
        problems.raise_if_any()
    except DataError as exc:
        assert exc.problems and all(str(p).startswith("data/2024-11-22/") for p in exc.problems)
    finally:
        for name in files:
            shutil.copyfile(DATA / SEED / name, folder / name)


@FUZZ
@given(st.sampled_from(DATASETS).flatmap(lambda d: st.tuples(st.just(d), csv_text(d))))
def test_any_csv_text_loads_or_raises_a_located_data_error(case):
    dataset, text = case
    loads_or_data_error({dataset.filename: text})


@FUZZ
@given(st.sampled_from(DATASETS), st.binary(max_size=300))
def test_any_csv_bytes_load_or_raise_a_data_error(dataset, content):
    loads_or_data_error({dataset.filename: content})


SEED_META = yaml.safe_load((DATA / SEED / "issue.md").read_text(encoding="utf-8").split("---")[1])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20),
                    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                      max_leaves=8)


@FUZZ
@given(st.dictionaries(st.sampled_from(sorted(ISSUE_FIELD_NAMES | {"start", "end", "x"})), VALUES, max_size=5))
def test_any_front_matter_values_load_or_raise_a_data_error(changes):
    meta = {**SEED_META, **changes}
    text = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n正文\n"
    loads_or_data_error({"issue.md": text})


@FUZZ
@given(st.text(max_size=200), st.text(max_size=50))
def test_any_front_matter_text_loads_or_raises_a_data_error(front, body):
    loads_or_data_error({"issue.md": f"---\n{front}\n---\n{body}"})


@FUZZ
@given(st.text(max_size=80), st.text(max_size=80))
@example("line\u2028break\x85next\x7f\x9f", "\ud800 😀 \"quoted\": \\ #not-a-comment")
@example("null", "- 1.5")
def test_generated_front_matter_reads_back_as_the_escaped_text_for_any_title(title, description):
    import html

    from generators.pages.issue import front_matter

    meta = yaml.safe_load(front_matter(title, description, issue_date=SEED, search={"boost": 1.02}).split("---\n")[1])
    assert meta == {"title": html.escape(title, quote=True), "description": html.escape(description, quote=True),
                    "issue_date": SEED, "search": {"boost": 1.02}}


@FUZZ
@given(st.lists(st.lists(st.one_of(CELLS, st.sampled_from(["a,b", "x\ny", "r\rs", ' "q" ', "=1+1", "-2"])),
                         max_size=4), max_size=4))
def test_csv_lines_quote_any_text_cells_exactly_as_the_csv_module(rows):
    # The downloads write CSV lines by hand (a csv.writer per line cost more than the line).
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([[safe_cell(c) for c in r] for r in rows])
    assert csv_lines(rows) == buffer.getvalue()
    assert list(csv.reader(io.StringIO(csv_lines(rows), newline=""))) == [[safe_cell(c) for c in r] for r in rows]
