"""The hashed locks: what pyproject.toml asks for, pinned, with every file's hash, and installed."""
from __future__ import annotations

import json
import re
import sys
import tomllib
from importlib import metadata

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
ENTRY = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>\S+)(?:\s*;\s*(?P<marker>[^\\]+?))?\s*\\?$")


def lock(name: str) -> list[tuple[str, str, str | None, int]]:
    """(name, version, marker, number of hashes) per entry of a lock file."""
    entries, lines = [], (ROOT / name).read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        match = ENTRY.match(line)
        if match:
            hashes = 0
            for following in lines[index + 1:]:
                if not following.startswith("    --hash=sha256:"):
                    break
                hashes += 1
            entries.append((canonicalize_name(match["name"]), match["version"], match["marker"], hashes))
    return entries


def applies(marker: str | None) -> bool:
    return marker is None or Marker(marker).evaluate()


def pinned(requirements: list[str]) -> dict[str, str]:
    out = {}
    for text in requirements:
        req = Requirement(text)
        specs = list(req.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"pyproject.toml: {text} is not pinned with =="
        out[canonicalize_name(req.name)] = specs[0].version
    return out


RUNTIME = {**pinned(PYPROJECT["project"]["dependencies"]), **pinned(PYPROJECT["build-system"]["requires"])}
TEST = {**RUNTIME, **pinned(PYPROJECT["project"]["optional-dependencies"]["test"])}
PDF = {**RUNTIME, **pinned(PYPROJECT["project"]["optional-dependencies"]["pdf"])}
LOCKS = ["requirements.txt", "requirements-test.txt", "requirements-pdf.txt"]


@pytest.mark.parametrize(("lock_file", "wanted"), [("requirements.txt", RUNTIME), ("requirements-test.txt", TEST),
                                                   ("requirements-pdf.txt", PDF)])
def test_lock_pins_what_pyproject_asks_for(lock_file, wanted):
    """Fails when a pin in pyproject.toml changes without `bash scripts/lock.sh`."""
    locked = {(name, version) for name, version, marker, _ in lock(lock_file) if applies(marker)}
    missing = {f"{name}=={version}" for name, version in wanted.items() if (name, version) not in locked}
    assert not missing, f"{lock_file} lacks {sorted(missing)}: run bash scripts/lock.sh"


@pytest.mark.parametrize("lock_file", LOCKS)
def test_every_locked_package_has_hashes(lock_file):
    entries = lock(lock_file)
    assert len(entries) > 20
    assert [name for name, _, _, hashes in entries if hashes == 0] == []


def test_the_test_and_pdf_locks_keep_the_runtime_versions():
    """The test suite runs against the versions the site is built with, and the deploy prints PDFs with them."""
    runtime = {(n, v, m) for n, v, m, _ in lock("requirements.txt")}
    test = {(name, version, marker) for name, version, marker, _ in lock("requirements-test.txt")}
    pdf = {(name, version, marker) for name, version, marker, _ in lock("requirements-pdf.txt")}
    assert runtime <= test and runtime <= pdf
    assert pdf - runtime <= test      # what the PDF step adds is what the tests print with


def test_the_lock_has_no_package_pyproject_no_longer_needs():
    """Each lock entry says which requirement brought it ("# via"); a package whose only reason was
    a dependency since removed from pyproject would still carry that name."""
    text = (ROOT / "requirements-test.txt").read_text(encoding="utf-8")
    locked = {name for name, *_ in lock("requirements-test.txt")}
    for via in re.findall(r"# via (\S+)|#   (\S+)", text):
        name = canonicalize_name(next(v for v in via if v).split("[")[0])
        if name not in {"pyproject-toml", "suanli-weekly", "-c", "-r"} and not name.startswith("pyproject"):
            assert name in locked, f"requirements-test.txt: {name} is named as a reason but not locked"


def test_the_environment_running_the_tests_is_the_lock():
    """What scripts/test.sh installed is exactly the test lock (no stray upgrade, no missing pin)."""
    wrong = []
    for name, version, marker, _ in lock("requirements-test.txt"):
        if not applies(marker):
            continue
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            wrong.append(f"{name} not installed")
            continue
        if installed != version:
            wrong.append(f"{name} {installed} installed, {version} locked")
    assert wrong == [], f"{sys.prefix}: {wrong}: run bash scripts/install.sh --test"


def test_node_tools_are_locked_with_exact_versions():
    package = ROOT / "package.json"
    if not package.exists():
        pytest.skip("no Node tools")
    manifest = json.loads(package.read_text(encoding="utf-8"))
    locked = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    for section in ("dependencies", "devDependencies"):
        for name, version in manifest.get(section, {}).items():
            assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"package.json: {name} {version} is not an exact version"
            assert locked[f"node_modules/{name}"]["version"] == version, name
            assert locked[f"node_modules/{name}"].get("integrity"), name


def reasons(name: str) -> dict[str, set[str]]:
    """Lock entry → the requirements its "# via" comment names (one or several lines)."""
    out, current = {}, None
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        match = ENTRY.match(line)
        if match:
            current = canonicalize_name(match["name"])
            out[current] = set()
        elif current and (via := re.match(r"\s+#\s+(?:via\s+)?(\S+)", line)) and line.strip() != "# via":
            out[current].add(canonicalize_name(via[1].split("[")[0]))
    return out


@pytest.mark.parametrize(("lock_file", "wanted"), [("requirements.txt", RUNTIME), ("requirements-test.txt", TEST),
                                                   ("requirements-pdf.txt", PDF)])
def test_a_package_locked_only_for_the_project_is_one_pyproject_asks_for(lock_file, wanted):
    """The other direction: a dependency dropped from pyproject.toml without `bash scripts/lock.sh`
    would stay in the lock, installed on every machine, with the project as its only reason."""
    stale = sorted(name for name, why in reasons(lock_file).items() if why == {"suanli-weekly"} and name not in wanted)
    assert not stale, f"{lock_file} still pins {stale} for the project, which pyproject.toml no longer asks for: run bash scripts/lock.sh"
