"""The naive baseline the benchmark compares against, built from the same archive and frames.

What a first version of this site would do: every figure serialised by plotly's
``fig.to_json()`` with its default template, the JSON placed in the page as text (as
mkdocs-plotly-plugin does, so Material's search indexes it), the full plotly.js bundle, every
issue listed in the navigation sidebar, and search over everything.

Usage: python3 bench/naive.py DATA_DIR WORK_DIR   (prints one JSON line of timings)
"""
from __future__ import annotations

import html
import json
import re
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PLOT = re.compile(r"<div class=\"wk-plot\"[^>]*data-figure='[^']*'></div>")
NAIVE_JS = """document.querySelectorAll(".naive-plot").forEach(function (el) {
  var fig = JSON.parse(el.textContent); el.textContent = ""; Plotly.newPlot(el, fig.data, fig.layout);
});
"""


def naive_markdown(markdown: str, figures: list[str]) -> str:
    """Swap each compact chart for plotly's to_json text, and let search index everything."""
    it = iter(figures)
    markdown = PLOT.sub(lambda m: f'<div class="naive-plot">{html.escape(next(it), quote=False)}</div>', markdown)
    return markdown.replace(" data-search-exclude", "").replace("search:\n  exclude: true\n", "")


def write_tree(data_dir: Path, work: Path) -> dict:
    """Generate the naive docs tree and mkdocs.yml under ``work``; return timings."""
    import plotly
    import plotly.graph_objects as go

    from generators.load.snapshots import load_archive
    from generators.assemble.pipeline import generate

    started = time.perf_counter()
    archive = load_archive(data_dir)
    site = generate(archive)
    docs = work / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns("index.md", "plotly-basic-*"))
    (docs / "index.md").write_text("# 算力周跟踪\n\n往期见左侧导航。\n", encoding="utf-8")
    vendor = docs / "assets" / "vendor"
    vendor.mkdir(parents=True, exist_ok=True)
    shutil.copy(Path(plotly.__file__).parent / "package_data" / "plotly.min.js", vendor / "plotly.min.js")
    (docs / "assets" / "javascripts" / "naive.js").write_text(NAIVE_JS, encoding="utf-8")
    figures = 0
    nav = []
    for rel, text in site.pages.items():
        slug = rel.removeprefix("issues/").removesuffix(".md")
        if rel.startswith("issues/"):
            jsons = [go.Figure(c.figure).to_json() for c in site.charts[slug] if c.figure["data"]]
            figures += len(jsons)
            text = naive_markdown(text, jsons)
            nav.append(f"      - {slug}: {rel}\n")
        path = docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    # Stock Material: no search-on-demand override (the naive site loads its index on every first view).
    config = config.replace("  custom_dir: overrides\n", "")
    config = re.sub(r"  - weekly(:\n(      .*\n)+|\n)", "", config)
    config = re.sub(r"  - macros:\n(      .*\n)+", "", config)
    config = config.replace("plotly-basic-3.7.0.min.js\n  - assets/javascripts/charts.js",
                            "plotly.min.js\n  - assets/javascripts/naive.js")
    config = config.replace("strict: true", "strict: false")
    config = config.replace("  - 最新一期: latest.md\n", "")
    config = re.sub(r"(  - 数据说明: data.md\n)", r"\1  - 往期:\n" + "".join(reversed(nav)).replace("\\", "\\\\"), config)
    (work / "mkdocs.yml").write_text(config, encoding="utf-8")
    return {"generate_s": time.perf_counter() - started, "figures": figures}


def build(work: Path, site_dir: Path) -> float:
    """mkdocs build of the naive tree; seconds."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    started = time.perf_counter()
    config = load_config(str(work / "mkdocs.yml"), site_dir=str(site_dir))
    config.plugins.on_startup(command="build", dirty=False)
    mkdocs_build(config)
    return time.perf_counter() - started


def main() -> None:
    data_dir, work = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    work.mkdir(parents=True, exist_ok=True)
    result = write_tree(data_dir, work)
    result["build_s"] = build(work, work / "site")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
