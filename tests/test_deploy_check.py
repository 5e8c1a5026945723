"""scripts/check_deployed.py, run after each deploy: is the newest issue on the deployed site?"""
from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

SCRIPT = ROOT / "scripts" / "check_deployed.py"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120)


def test_the_newest_link_is_the_latest_public_issue_of_the_built_feed(built_site, server):
    newest = run("--newest", str(built_site))
    assert newest.returncode == 0, newest.stderr
    assert newest.stdout.strip() == f"{server}/issues/2024-11-22/"


def test_the_check_passes_when_the_deployed_feed_lists_the_issue(built_site, server):
    link = run("--newest", str(built_site)).stdout.strip()
    result = run("--expect", link, server, "--attempts", "1")
    assert result.returncode == 0, result.stderr


def test_the_check_fails_loudly_when_the_deployed_site_lacks_the_issue(server):
    """As when the Friday run deployed an old build or Pages still serves the previous one."""
    result = run("--expect", f"{server}/issues/2024-11-29/", server, "--attempts", "2", "--wait", "0")
    assert result.returncode == 1
    assert "::error::" in result.stderr and "2024-11-22" in result.stderr


def test_the_check_fails_when_the_site_cannot_be_reached(server):
    result = run("--expect", f"{server}/issues/2024-11-22/", "http://127.0.0.1:9/nothing", "--attempts", "1")
    assert result.returncode == 1 and "读取失败" in result.stderr
