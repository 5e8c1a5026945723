"""Profile summary of a cold `weekly build`: whose code the build's time is spent in.

Synthesises an archive of --weeks issues, then builds it once in this process under cProfile,
as `weekly build` does (load and check once, generate, MkDocs), with an empty page cache, and
sums each function's own time by the package it belongs to: this project (generators/), MkDocs,
Material, Python-Markdown and its extensions, jieba, YAML, the standard library, others.
Prints a Markdown table; the project's share is the figure the performance work aims to keep low.

cProfile slows Python code unevenly (calls cost more than C loops), so the shares are a guide,
comparable between two runs of this script, not wall-clock figures: bench/run.py times the build.

Usage: python3 bench/profile_build.py [--weeks 520] [--top 15]
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OWNERS = (  # path fragment → owner, first match wins
    ("/generators/", "project (generators/)"),
    ("/mkdocs_macros/", "mkdocs-macros"),
    ("/material/", "mkdocs-material"),
    ("/mkdocs/", "MkDocs"),
    ("/markdown/", "Python-Markdown"),
    ("/pymdownx/", "pymdown-extensions"),
    ("/jieba/", "jieba"),
    ("/yaml/", "PyYAML"),
    ("/jinja2/", "Jinja2"),
    ("/lxml/", "lxml"),
    ("/site-packages/", "other packages"),
)


def owner(filename: str) -> str:
    for fragment, name in OWNERS:
        if fragment in filename:
            return name
    if filename.startswith("~") or "/lib/python" in filename:
        return "Python (stdlib, builtins)"
    return "other"


def cold_build(data: Path, site: Path, cache: Path) -> None:
    """What `weekly build` does, with the page cache in ``cache`` (empty: a cold build)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generators.load.snapshots import load_archive, public_archive, parse_time

    archive = public_archive(load_archive(data), parse_time("2024-11-22 09:00"), data)
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(site), strict=True)
    plugin = config.plugins["weekly"]
    plugin.config.data_dir, plugin.config.cache_dir = str(data), str(cache)
    plugin.use_archive(archive)
    config.plugins.on_startup(command="build", dirty=False)
    build(config)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=520)
    parser.add_argument("--top", type=int, default=15, help="the project's functions listed, by own time")
    args = parser.parse_args()

    from generators.tools.synth import write_archive

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        write_archive(data, args.weeks, date(2024, 11, 15))
        profile = cProfile.Profile()
        profile.runcall(cold_build, data, Path(tmp) / "site", Path(tmp) / "cache")
    stats = pstats.Stats(profile)
    by_owner: dict[str, float] = {}
    mine: list[tuple[float, str]] = []
    for (filename, line, name), (_, _, own, _, _) in stats.stats.items():
        who = owner(filename)
        by_owner[who] = by_owner.get(who, 0.0) + own
        if who.startswith("project"):
            mine.append((own, f"{Path(filename).relative_to(ROOT) if filename.startswith(str(ROOT)) else filename}:{line} {name}"))
    total = sum(by_owner.values())
    print(f"## Cold `weekly build`, {args.weeks} weeks: own time by package (cProfile, {total:.1f} s profiled)\n")
    print("| package | own time (s) | share |\n|---|---:|---:|")
    for who, seconds in sorted(by_owner.items(), key=lambda kv: -kv[1]):
        print(f"| {who} | {seconds:.2f} | {100 * seconds / total:.1f} % |")
    print(f"\n### The project's {args.top} most expensive functions (own time)\n")
    print("| function | own time (s) |\n|---|---:|")
    for seconds, where in sorted(mine, reverse=True)[:args.top]:
        print(f"| `{where}` | {seconds:.2f} |")


if __name__ == "__main__":
    main()
