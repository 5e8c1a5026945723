"""The maintainers' routine page stays true to the CLI and the schema; the site is right for a Pages project site."""
from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest

from conftest import ROOT, copy_data, weekly
from generators.cli import main
from generators.schema.snapshot import ISSUE_FIELD_NAMES, PUBLISH_HOUR, PUBLISH_WEEKDAY

PAGE = ROOT / "docs" / "maintainers" / "weekly-routine.md"
TEXT = PAGE.read_text(encoding="utf-8")
WEEKDAYS = "周一 周二 周三 周四 周五 周六 周日".split()


def test_routine_page_walks_through_new_check_serve_and_pull_request_in_order():
    steps = [TEXT.index(marker) for marker in ("weekly new", "weekly check", "weekly serve", "pull request")]
    assert steps == sorted(steps)


def test_every_command_and_option_on_the_routine_page_exists():
    mentioned = re.findall(r"weekly (\w+)((?: [^`\n]*)?)", TEXT)
    assert mentioned
    for command, rest in mentioned:
        assert command in main.commands, command
        options = {o for p in main.commands[command].params for o in p.opts}
        for option in re.findall(r"--[\w-]+", rest):
            assert option in options, f"weekly {command} {option}"


def test_routine_page_states_the_embargo_rules_the_code_applies():
    assert f"{WEEKDAYS[PUBLISH_WEEKDAY]} {PUBLISH_HOUR:02d}:00（北京时间）" in TEXT
    for key in ("publish_at", "draft"):
        assert key in ISSUE_FIELD_NAMES and f"`{key}" in TEXT


@pytest.mark.build
def test_routine_page_is_built_but_not_in_the_public_navigation(built_site):
    assert (built_site / "maintainers" / "weekly-routine" / "index.html").exists()
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert "weekly-routine" not in home


@pytest.mark.build
def test_pages_know_the_project_sites_url_even_without_a_trailing_slash(tmp_path):
    # actions/configure-pages gives base_url without the trailing slash
    site = tmp_path / "site"
    url = "https://owner.github.io/suanli-weekly"
    result = weekly("build", "--data", str(copy_data(tmp_path)), "--site-dir", str(site), env={"SITE_URL": url})
    assert result.returncode == 0, result.stderr
    not_found = (site / "404.html").read_text(encoding="utf-8")
    assert 'href="/suanli-weekly/assets/stylesheets/' in not_found     # works at any depth of a project site
    assert 'src="/suanli-weekly/assets/javascripts/charts.js"' in not_found
    seed = (site / "issues" / "2024-11-22" / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{url}/issues/2024-11-22/">' in seed
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in ElementTree.parse(site / "sitemap.xml").getroot().findall("s:url/s:loc", ns)]
    assert f"{url}/issues/2024-11-22/" in locs and f"{url}/" in locs
    assert all(loc.startswith(url + "/") for loc in locs)


README = (ROOT / "README.md").read_text(encoding="utf-8")


def documented_options(text: str) -> dict[str, set[str]]:
    """Per command, the options written after it on the same line (`weekly build --site-dir DIR …`)."""
    found: dict[str, set[str]] = {}
    # in inline code (`weekly build …`) or at the start of a line of a code block
    for command, rest in re.findall(r"(?:`|^[ \t]*)weekly (\w+)((?: [^`\n]*)?)", text, re.M):
        found.setdefault(command, set()).update(re.findall(r"--[\w-]+(?:/--[\w-]+)?", rest.split("`")[0]))
    return {c: {o for opts in found[c] for o in opts.split("/")} for c in found}


def cli_options(command) -> set[str]:
    return {o for p in command.params for o in (*p.opts, *getattr(p, "secondary_opts", ())) if o.startswith("--")} - {"--help"}


@pytest.mark.parametrize("name, text", [("README.md", README), ("weekly-routine.md", TEXT)], ids=["readme", "routine"])
def test_every_command_and_option_the_docs_mention_exists(name, text):
    for command, options in documented_options(text).items():
        assert command in main.commands, f"{name}: weekly {command}"
        assert options <= cli_options(main.commands[command]), f"{name}: weekly {command} {options - cli_options(main.commands[command])}"


def test_every_command_and_option_of_the_cli_is_documented_in_the_readme():
    documented = documented_options(README)
    for name, command in main.commands.items():
        assert name in documented, f"README.md does not mention weekly {name}"
        missing = cli_options(command) - documented[name]
        assert not missing, f"README.md: weekly {name} does not mention {sorted(missing)}"


def test_the_routine_page_walks_through_every_command_an_analyst_runs_each_week():
    for command in ("new", "import", "fetch", "check", "serve"):
        assert f"weekly {command}" in TEXT, command


def test_the_routine_pages_preview_address_is_where_serve_serves():
    import yaml

    class Env(yaml.SafeLoader):
        pass
    Env.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[-1])
    site_url = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Env)["site_url"]
    path = "/" + site_url.split("://", 1)[1].split("/", 1)[1]
    dev_addr = next(p.default for p in main.commands["serve"].params if p.name == "dev_addr")
    assert f"<http://{dev_addr}{path}>" in TEXT


def test_the_routine_page_asks_for_new_names_to_be_registered_and_chart_notes_to_be_added():
    assert "data/entities.yaml" in TEXT and "登记" in TEXT
    new_issue = (ROOT / "generators" / "tools" / "scaffold.py").read_text(encoding="utf-8")
    if "chart_notes" not in new_issue:       # weekly new does not carry chart_notes: the page must say to add them
        assert "不会从上一期带过来" in TEXT and "chart_notes:" in TEXT
