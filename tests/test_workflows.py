"""The GitHub workflows: valid, free of zizmor's high-severity findings, and on the right schedule."""
from __future__ import annotations

import json
import shutil
import subprocess
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
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} not installed: run the README's test command, which installs the test extras")
    return path


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
    assert {"actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"} <= set(uses)


def test_workflows_run_the_readmes_commands():
    ci = [s["run"] for s in steps(workflow("ci.yml")) if "run" in s]
    deploy = [s["run"] for s in steps(workflow("deploy.yml")) if "run" in s]
    build = "python3 -m pip install -e . && weekly build"
    assert build in README and "bash scripts/test.sh" in README
    assert ci == [build, "weekly check", "bash scripts/test.sh"]
    assert deploy == [build]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_checkout_does_not_keep_the_token(path):
    flow = yaml.safe_load(path.read_text(encoding="utf-8"))
    checkouts = [s for s in steps(flow) if s.get("uses", "").startswith("actions/checkout@")]
    assert checkouts and all(s["with"]["persist-credentials"] is False for s in checkouts)
