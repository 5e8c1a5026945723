"""The GitHub workflows: valid, free of zizmor's high-severity findings, and on the right schedule."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import yaml

from conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))
README = (ROOT / "README.md").read_text(encoding="utf-8")


def workflow(name: str) -> dict:
    # PyYAML reads the key `on` as True (YAML 1.1); the workflow schema check reads it properly.
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def steps(flow: dict) -> list[dict]:
    return [step for job in flow["jobs"].values() for step in job.get("steps", [])]


def tool(name: str) -> str:
    beside = Path(sys.executable).parent / name     # the project's .venv/bin, which need not be on PATH
    path = str(beside) if beside.exists() else shutil.which(name)
    if path is None:
        pytest.fail(f"{name} not installed: run the README's test command, which installs the test extras")
    return path


# The first release of each action on the Node 24 runtime (or composite on it); a pin below it runs
# on Node 20, which GitHub has deprecated for actions. configure-pages has no such release yet, so
# deploy.yml reads the Pages URL itself.
CURRENT_RUNTIME_SINCE = {"actions/checkout": 5, "actions/setup-python": 6, "actions/cache": 5,
                         "actions/upload-pages-artifact": 4, "actions/deploy-pages": 5}
PIN = re.compile(r"^\s*(?:-\s+)?uses:\s+(?P<action>[\w.-]+/[\w.-]+)@(?P<sha>\S+)\s+#\s+v(?P<version>(?P<major>\d+)\.\d+\.\d+)\s*$")
# Each release's commit, as read from the action's own repository (shared/actions-pins.md, 2026-12-01):
# a pin whose SHA is not the commit of the version its comment names runs code nobody reviewed.
RELEASES = {
    ("actions/checkout", "7.0.1"): "3d3c42e5aac5ba805825da76410c181273ba90b1",
    ("actions/setup-python", "7.0.0"): "5fda3b95a4ea91299a34e894583c3862153e4b97",
    ("actions/cache", "5.0.5"): "27d5ce7f107fe9357f9df03efb73ab90386fccae",
    ("actions/upload-pages-artifact", "5.0.0"): "fc324d3547104276b827a68afc52ff2a11cc49c9",
    ("actions/deploy-pages", "5.0.0"): "cd2ce8fcbc39b97be8ca5fce6e763baed58fa128",
}


def test_there_is_a_ci_and_a_deploy_workflow():
    assert [p.name for p in FILES] == ["ci.yml", "deploy.yml"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_workflow_is_valid_against_githubs_schema(path):
    result = subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


def test_zizmor_finds_nothing_of_high_severity():
    result = subprocess.run([tool("zizmor"), "--offline", "--format", "json", str(WORKFLOWS)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode in (0, 10, 11, 12, 13, 14), result.stderr   # 1x: findings, by highest severity
    findings = json.loads(result.stdout)
    high = [f"{f['ident']}: {f['desc']}" for f in findings if f["determinations"]["severity"] == "High"]
    assert high == []


def test_zizmor_pedantic_finds_only_the_accepted_container_tag():
    """Pedantic findings are all fixed but one, justified where it occurs (ci.yml's container)."""
    result = subprocess.run([tool("zizmor"), "--offline", "--persona=pedantic", "--format", "json", str(WORKFLOWS)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode in (0, 10, 11, 12, 13, 14), result.stderr
    idents = sorted(f["ident"] for f in json.loads(result.stdout))
    assert set(idents) <= {"unpinned-images"}, idents      # the two Debian containers, by tag


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_action_is_pinned_by_sha_to_a_release_on_a_current_runtime(path):
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if re.match(r"^\s*(-\s+)?uses:", line)]
    assert lines
    for line in lines:
        match = PIN.match(line)
        assert match, f"{path.name}: not SHA-pinned with its version in a comment: {line.strip()}"
        assert re.fullmatch(r"[0-9a-f]{40}", match["sha"]), line
        action = match["action"]
        assert action in CURRENT_RUNTIME_SINCE, f"{path.name}: {action} has no release on a current runtime"
        assert int(match["major"]) >= CURRENT_RUNTIME_SINCE[action], f"{path.name}: {line.strip()} runs on Node 20"
        known = RELEASES.get((action, match["version"]))
        assert known in (None, match["sha"]), f"{path.name}: {action} v{match['version']} is commit {known}, not {match['sha']}"


def test_the_workflows_pin_the_current_release_of_each_action():
    """Today's pins are the releases read from the actions' repositories (a Dependabot bump past
    them passes the test above, and should update RELEASES)."""
    pins = {(m["action"], m["version"], m["sha"]) for path in FILES for line in path.read_text(encoding="utf-8").splitlines()
            if (m := PIN.match(line))}
    assert pins and all(RELEASES.get((action, version)) == sha for action, version, sha in pins), pins


def test_dependabot_sees_every_lock():
    """Dependabot's pip updater fetches requirement files named *.txt or *.in (and pyproject.toml):
    a lock named otherwise would never be proposed an update."""
    workflow_text = "".join(p.read_text(encoding="utf-8") for p in FILES) + (ROOT / "scripts" / "install.sh").read_text(encoding="utf-8")
    locks = set(re.findall(r"requirements[\w-]*\.\w+", workflow_text))
    assert locks and all(name.endswith((".txt", ".in")) and (ROOT / name).is_file() for name in locks), locks


def test_dependabot_proposes_updates_for_actions_the_lock_and_npm():
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    assert {u["package-ecosystem"] for u in config["updates"]} == {"github-actions", "pip", "npm"}
    result = subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.dependabot",
                             str(ROOT / ".github" / "dependabot.yml")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_runs_on_friday_morning_in_beijing():
    crons = [entry["cron"] for entry in workflow("deploy.yml")[True]["schedule"]]
    assert crons
    for cron in crons:
        minute, hour, day, month, weekday = cron.split()
        assert (day, month, weekday) == ("*", "*", "5"), cron     # Fridays, in UTC
        utc = datetime(2024, 11, 22, int(hour), int(minute), tzinfo=timezone.utc)   # a Friday
        beijing = utc.astimezone(ZoneInfo("Asia/Shanghai"))
        assert beijing.strftime("%A") == "Friday", cron
        assert timedelta(hours=9) <= timedelta(hours=beijing.hour, minutes=beijing.minute) < timedelta(hours=10), cron


def test_deploy_is_triggered_by_schedule_push_to_main_and_by_hand_and_never_overlaps():
    flow = workflow("deploy.yml")
    assert set(flow[True]) == {"schedule", "push", "workflow_dispatch"}
    assert flow[True]["push"]["branches"] == ["main"]
    assert flow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert flow["permissions"] == {}
    uses = [s["uses"].split("@")[0] for s in steps(flow) if "uses" in s]
    assert {"actions/upload-pages-artifact", "actions/deploy-pages"} <= set(uses)


def test_deploy_prints_the_pdfs_after_building_and_keeps_them_between_runs():
    build = workflow("deploy.yml")["jobs"]["build"]
    runs = [s.get("run", "") for s in build["steps"]]
    assert any("install.sh --pdf && .venv/bin/weekly pdf" in r for r in runs)
    caches = [s["with"] for s in build["steps"] if s.get("uses", "").startswith("actions/cache@")]
    assert any(c["path"] == ".cache/weekly/pdf" and c["restore-keys"] == "pdf-" for c in caches)


def test_deploy_checks_that_the_newest_issue_is_online_and_ci_that_the_schedule_is_enabled():
    verify = workflow("deploy.yml")["jobs"]["verify"]
    assert set(verify["needs"]) == {"build", "deploy"}
    assert any("scripts/check_deployed.py --expect" in s.get("run", "") for s in verify["steps"])
    schedule = workflow("ci.yml")["jobs"]["deploy-schedule"]
    assert schedule["permissions"] == {"actions": "read"}
    assert any('actions/workflows/deploy.yml" --jq .state' in s.get("run", "") for s in schedule["steps"])


def test_workflows_run_the_readmes_commands():
    ci = [s["run"] for s in workflow("ci.yml")["jobs"]["test"]["steps"] if "run" in s]
    deploy = [s["run"] for s in workflow("deploy.yml")["jobs"]["build"]["steps"] if "run" in s]
    build = "bash scripts/install.sh && .venv/bin/weekly build"
    assert build in README and "bash scripts/test.sh" in README
    assert ci == [build, ".venv/bin/weekly check", "bash scripts/test.sh"]
    assert build in deploy


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_checkout_does_not_keep_the_token(path):
    flow = yaml.safe_load(path.read_text(encoding="utf-8"))
    checkouts = [s for s in steps(flow) if s.get("uses", "").startswith("actions/checkout@")]
    assert checkouts and all(s["with"]["persist-credentials"] is False for s in checkouts)
