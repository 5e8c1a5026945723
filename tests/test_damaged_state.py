"""Damaged local state never reaches readers and never ends in a traceback: a .cache that is a
file, a seal file that lost a line, data/ checked out with CRLF conversion."""
from __future__ import annotations

import subprocess

from conftest import DATA, ROOT, copy_data, weekly
from test_concurrency import project


def test_a_cache_folder_taken_by_a_file_is_one_located_message_not_a_traceback(tmp_path):
    root = project(tmp_path)
    (root / ".cache").write_text("not a folder", encoding="utf-8")
    result = weekly("build", "--config", str(root / "mkdocs.yml"), "--site-dir", str(tmp_path / "site"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{root / '.cache'}: 应为文件夹，却是一个文件" in result.stderr, result.stderr
    assert not (tmp_path / "site").exists()


def test_a_line_deleted_from_the_seal_file_is_reported_as_the_seal_file_losing_it(tmp_path):
    data = copy_data(tmp_path, sealed=True)
    seals = data / "published.sha256"
    lines = seals.read_text(encoding="utf-8").splitlines(keepends=True)
    seals.write_text("".join(l for l in lines if "2024-11-08/issue.md" not in l), encoding="utf-8")
    result = weekly("check", "--data", str(data))
    assert result.returncode == 1
    assert ("data/published.sha256: 封存记录少了 2024-11-08/issue.md 这一行（published.sha256 被删改，而不是新增了文件）"
            in result.stderr), result.stderr
    assert "新增了文件（" not in result.stderr.replace("而不是新增了文件）", "")


def test_data_files_keep_their_bytes_on_a_crlf_checkout():
    files = [str(p.relative_to(ROOT)) for p in sorted(DATA.rglob("*")) if p.is_file()]
    out = subprocess.run(["git", "check-attr", "text", "--", *files], cwd=ROOT, capture_output=True, text=True, check=True)
    assert [line.rsplit(": ", 1)[1] for line in out.stdout.splitlines()] == ["unset"] * len(files)
    routine = (ROOT / "docs" / "maintainers" / "weekly-routine.md").read_text(encoding="utf-8")
    assert "data/** -text" in routine and "core.autocrlf" in routine
