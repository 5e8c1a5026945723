"""Every failure an analyst can cause is one located message and exit 1, never a traceback."""
from __future__ import annotations

import socket
import time

from conftest import copy_data, weekly


def no_traceback(result, code: int = 1) -> str:
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr.replace("UTF-8", ""), result.stderr
    return result.stderr


def test_serve_on_a_busy_port_says_so_before_building(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        started = time.perf_counter()
        result = weekly("serve", "--dev-addr", f"127.0.0.1:{port}")
        elapsed = time.perf_counter() - started
    err = no_traceback(result, code=2)      # a usage problem (exit 2), like any other bad option
    assert f"端口 {port} 已被占用" in err
    assert "Building documentation" not in err and elapsed < 15


def test_seal_with_the_seal_file_taken_by_a_folder_is_one_message(tmp_path):
    data = copy_data(tmp_path)
    (data / "published.sha256").mkdir()
    err = no_traceback(weekly("seal", "--data", str(data)))
    assert "published.sha256" in err


def test_new_from_an_issue_that_is_not_utf8_is_one_message(tmp_path):
    data = copy_data(tmp_path)
    issue = data / "2024-11-22" / "issue.md"
    issue.write_bytes(issue.read_text(encoding="utf-8").encode("gbk"))
    err = no_traceback(weekly("new", "--data", str(data)))
    assert f"{issue}: 不是 UTF-8 编码" in err


def test_render_into_a_file_is_one_message(tmp_path):
    out = tmp_path / "out"
    out.write_text("a file", encoding="utf-8")
    err = no_traceback(weekly("render", "--out", str(out)))
    assert str(out) in err


def test_build_into_a_folder_under_a_file_is_one_message(tmp_path):
    blocker = tmp_path / "web"
    blocker.write_text("a file", encoding="utf-8")
    err = no_traceback(weekly("build", "--site-dir", str(blocker / "site")))
    assert str(blocker) in err
