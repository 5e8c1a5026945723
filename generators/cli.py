"""The `weekly` command: check, render, build and serve the 算力周跟踪 archive.

Exit codes: 0 success, 1 bad data (one line per problem), 2 bad usage.
"""
from __future__ import annotations

import logging
import os
import shutil
import sys
import time
from datetime import date, datetime
from pathlib import Path

import click

from .errors import DataError, Problem, UsageError, WeeklyError

DEFAULT_DATA = "data"
# Material prints a multi-line red notice about MkDocs 2.0 when it is imported by a process it takes
# for `mkdocs`; it concerns the platform (docs/maintainers/platform.md), not the analyst's data.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "true")


def _as_of(ctx, param, value: str | None) -> datetime:
    """--as-of 'YYYY-MM-DD HH:MM' (Beijing time); default now."""
    from .load.snapshots import now_in_beijing, parse_time

    if value is None:
        return now_in_beijing().replace(second=0, microsecond=0)
    try:
        return parse_time(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


AS_OF = click.option("--as-of", "as_of", callback=_as_of, metavar="'YYYY-MM-DD HH:MM'",
                     help="按北京时间这一刻构建：未到发布时间的期与草稿都不出现（默认：现在）")


def _embargoed(archive, as_of: datetime) -> list[str]:
    """One line per issue that a build at ``as_of`` leaves out, saying why."""
    lines = []
    for issue in archive.issues:
        if issue.draft:
            lines.append(f"   {issue.date}：草稿（draft: true），不会发布")
        elif not issue.is_public(as_of):
            lines.append(f"   {issue.date}：将于 {issue.publication_time:%Y-%m-%d %H:%M}（北京时间）发布，此前构建不含本期")
    return lines


def _check_links(archive, data_dir: Path, config_file: Path) -> None:
    """Narrative links and images MkDocs could not resolve, as located data errors (the docs
    folder beside mkdocs.yml holds the hand-written pages they may point at)."""
    from .tools.links import link_problems

    docs_dir = Path(config_file).parent / "docs"
    if not docs_dir.is_dir():
        click.echo(f"注：未找到 {docs_dir}，叙述中的链接与图片未检查（在项目根目录运行，或用 --config 指明 mkdocs.yml）", err=True)
        return
    problems = link_problems(archive, data_dir, docs_dir)
    if problems:
        raise DataError(problems)


class _Weekly(click.Group):
    """The command group: any ``WeeklyError`` a command raises is one line per problem on stderr
    (bad data grouped by file, column and kind, with its rows; and a closing line), then the error's
    exit code: 1 bad data, 2 bad usage. An unreadable, unwritable or misplaced file, or text that is
    not UTF-8, is one located line and exit 1 too, never a traceback."""

    def invoke(self, ctx: click.Context):
        from .errors import grouped

        try:
            return super().invoke(ctx)
        except WeeklyError as exc:
            lines = grouped(exc.problems) if isinstance(exc, DataError) else [str(p) for p in exc.problems]
            for line in lines:
                click.echo(line, err=True)
            if exc.summary():
                click.echo(exc.summary(), err=True)
            ctx.exit(exc.exit_code)
        except OSError as exc:
            where = exc.filename or ""
            click.echo(f"{where}: 无法读写：{exc.strerror or exc}" if where else f"无法读写：{exc}", err=True)
        except UnicodeDecodeError as exc:
            click.echo(f"不是 UTF-8 编码的文本：{exc.reason}（请另存为 UTF-8）", err=True)
        ctx.exit(1)


@click.group(cls=_Weekly, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """算力周跟踪：把 data/ 下的每周数据快照生成为可检索的网站。"""


@main.command()
@click.option("--data", "data_dir", default=DEFAULT_DATA, show_default=True, type=click.Path(path_type=Path),
              help="数据文件夹")
@click.option("--config", "config_file", default="mkdocs.yml", show_default=True, type=click.Path(path_type=Path),
              help="网站的 mkdocs.yml：叙述中指向网站页面的链接按它旁边的 docs/ 检查")
@AS_OF
def check(data_dir: Path, config_file: Path, as_of: datetime) -> None:
    """校验每一期数据（包括未到发布时间的期和草稿）；有问题时逐条列出文件、行和列，并以 1 退出。

    例：weekly check --data data
    """
    from .load.snapshots import load_archive, not_data

    for path in not_data(data_dir):
        click.echo(f"注：已忽略 {path}（Excel 锁定文件、缩略图或备份文件，不是数据）")
    archive = load_archive(data_dir)
    _check_links(archive, data_dir, config_file)
    click.echo(f"数据校验通过：{len(archive.snapshots)} 期，最新一期 {archive.issues[-1].date}。")
    for line in _embargoed(archive, as_of):
        click.echo(line)
    from .tools.lint import warnings
    for problem in warnings(archive, data_dir):
        click.echo(f"提醒：{problem}", err=True)


@main.command()
@click.option("--data", "data_dir", default=DEFAULT_DATA, show_default=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path), help="输出文件夹")
@AS_OF
def render(data_dir: Path, out_dir: Path, as_of: datetime) -> None:
    """只生成 Markdown 页面与图表数据，不构建网站。

    例：weekly render --out build/md
    """
    from .assemble.pipeline import run
    from .assemble.search import jieba_dictionary
    from .assemble.site_files import write

    site = run(data_dir, as_of)
    total, _ = write(site, out_dir)
    (out_dir / "jieba_user.dict").write_text(jieba_dictionary(site.words), encoding="utf-8")
    click.echo(f"已写出 {total} 个页面与文件到 {out_dir}")


@main.command()
@click.option("--data", "data_dir", default=DEFAULT_DATA, show_default=True, type=click.Path(path_type=Path))
@click.option("--site-dir", default="site", show_default=True, type=click.Path(path_type=Path), help="网站输出文件夹")
@click.option("--config", "config_file", default="mkdocs.yml", show_default=True, type=click.Path(path_type=Path))
@click.option("--strict/--no-strict", default=True, show_default=True, help="警告视为错误")
@AS_OF
def build(data_dir: Path, site_dir: Path, config_file: Path, strict: bool, as_of: datetime) -> None:
    """校验、生成并构建网站；站点先写入临时文件夹，成功后才替换 site/。

    所有期都会校验，但只有到 --as-of 时已发布、且不是草稿的期进入网站。

    例：weekly build --site-dir site --as-of "2024-11-22 09:00"
    """
    from .load.snapshots import load_archive, public_archive

    started = time.perf_counter()
    click.echo("① 校验数据 …")
    archive = load_archive(data_dir)
    public = public_archive(archive, as_of, data_dir)
    _check_links(archive, data_dir, config_file)
    click.echo(f"   {len(archive.snapshots)} 期数据通过校验；按 {as_of:%Y-%m-%d %H:%M}（北京时间）构建")
    for line in _embargoed(archive, as_of):
        click.echo(line)
    click.echo("② 生成页面并构建网站 …")
    site_dir = site_dir.resolve()
    from .assemble.staging import clean_leftovers, new_staging, swap_into_place
    clean_leftovers(site_dir)           # folders of builds killed mid-way
    staging = new_staging(site_dir)
    try:
        _mkdocs_build(config_file, data_dir, staging, strict, public)
    except SystemExit:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    except Exception:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    click.echo("③ 发布到 " + str(site_dir))
    swap_into_place(staging, site_dir)
    click.echo(f"完成：{time.perf_counter() - started:.1f} 秒。")


def _mkdocs_build(config_file: Path, data_dir: Path, site_dir: Path, strict: bool, archive) -> None:
    """Build the site with MkDocs from ``archive``, the public archive already loaded and
    validated: the weekly plugin is handed it, so nothing is read or checked twice."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    from .errors import BuildError

    _show_mkdocs_messages()
    try:
        os.environ["WEEKLY_PROGRESS"] = "1"         # the plugin reports generation and page rendering as they go
        config = load_config(str(config_file), site_dir=str(site_dir), strict=strict)
        plugin = config.plugins.get("weekly")
        if plugin is None:
            raise UsageError.say(f"{config_file} 没有启用 weekly 插件", hint="在 plugins 中加入 - weekly")
        plugin.config.data_dir = str(data_dir.resolve())
        plugin.use_archive(archive)
        config.plugins.on_startup(command="build", dirty=False)
        mkdocs_build(config)
    except PluginError as exc:
        raise BuildError.say(str(exc)) from None
    except (Abort, ConfigurationError) as exc:
        raise BuildError.say(f"构建失败：{exc}") from None


def _show_mkdocs_messages(level: int = logging.WARNING) -> None:
    """Print MkDocs' messages from ``level`` up: warnings and errors for a build (a strict build
    fails on them; they say which page and link), and the preview address and rebuilds for serve."""
    logger = logging.getLogger("mkdocs")
    logger.setLevel(min(logger.getEffectiveLevel(), level))
    if not any(getattr(h, "weekly", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setLevel(level)
        handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        handler.weekly = True
        logger.addHandler(handler)


@main.command()
@click.option("--data", "data_dir", default=DEFAULT_DATA, show_default=True, type=click.Path(path_type=Path))
@click.option("--config", "config_file", default="mkdocs.yml", show_default=True)
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True)
@click.option("--as-of", "as_of", default="preview", show_default=True, metavar="'YYYY-MM-DD HH:MM'",
              help="默认 preview：预览包括未到发布时间的期和草稿；给出时间则与 build 相同")
def serve(data_dir: Path, config_file: str, dev_addr: str, as_of: str) -> None:
    """本地预览，修改 data/ 或 docs/ 后自动重建；默认也显示未发布的期和草稿（只在本机）。

    例：weekly serve
    """
    from .preview import serve as preview

    from .load.snapshots import PREVIEW

    if as_of != PREVIEW:
        as_of = f"{_as_of(None, None, as_of):%Y-%m-%d %H:%M}"
    _port_free_or_exit(dev_addr)        # before the first build, which takes a while
    # mkdocs serve loads mkdocs.yml itself, on every rebuild: mkdocs.yml gives the weekly plugin
    # these two as its data_dir and as_of options (!ENV); the plugin reads no environment.
    os.environ["WEEKLY_DATA_DIR"] = str(data_dir.resolve())
    os.environ["WEEKLY_AS_OF"] = as_of
    _show_mkdocs_messages(logging.INFO)      # "Serving on http://…/suanli-weekly/", rebuilds, warnings
    for chatty in ("mkdocs.plugins.mkdocs_macros", "mkdocs.structure.nav"):   # module lists; issues not in nav
        logging.getLogger(chatty).setLevel(logging.WARNING)
    # An edit under data/ redraws only the pages and files whose content changed (generators/preview.py).
    preview(config_file, dev_addr)


def _port_free_or_exit(dev_addr: str) -> None:
    """One clear line and exit 2 when the preview's address is taken (another serve still running?)."""
    import socket

    host, _, port = dev_addr.rpartition(":")
    if not port.isdigit():
        _usage(f"--dev-addr 应为 主机:端口，如 127.0.0.1:8000，实际为 {dev_addr!r}")
    with socket.socket(socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # as the preview server does: TIME_WAIT is free
        try:
            sock.bind((host.strip("[]") or "127.0.0.1", int(port)))
        except OSError:
            _usage(f"端口 {port} 已被占用（也许另一个 weekly serve 还开着）：关掉它，或换一个端口，"
                   f"如 weekly serve --dev-addr {host or '127.0.0.1'}:{int(port) + 1}")


@main.command()
@click.argument("day", required=False, metavar="[DATE]")
@click.option("--data", "data_dir", default=DEFAULT_DATA, show_default=True, type=click.Path(path_type=Path))
@click.option("--carry/--empty", default=False, show_default=True,
              help="--carry 沿用上一期的数值；默认清空，由分析师填写本周数值")
def new(day: str | None, data_dir: Path, carry: bool) -> None:
    """从最新一期复制出下一期的文件夹（默认日期：最新一期之后的周五），不会覆盖已有的期。

    例：weekly new            （下周五）
        weekly new 2024-11-29 --carry
    """
    from .load.snapshots import FOLDER_RE
    from .tools.scaffold import coming_friday, scaffold_files

    folders = sorted(p for p in data_dir.iterdir() if p.is_dir() and FOLDER_RE.match(p.name)) if data_dir.is_dir() else []
    if not folders:
        raise UsageError.say(f"{data_dir} 下没有任何一期可作为模板")
    seed = folders[-1]
    seed_day = date.fromisoformat(seed.name)
    if day is None:
        target = coming_friday(seed_day)
    else:
        try:
            target = date.fromisoformat(day)
        except ValueError:
            raise UsageError.say(f"日期应为 YYYY-MM-DD，实际为 {day!r}") from None
    folder = data_dir / target.isoformat()
    if folder.exists():
        raise UsageError.say(f"{folder} 已存在，不会覆盖。要重新生成，请先删除或改名该文件夹。")
    if target <= seed_day:
        raise UsageError.say(f"新一期的日期 {target} 应晚于最新一期 {seed_day}")
    seed_files = {}
    for path in sorted(p for p in seed.iterdir() if p.is_file()):
        try:
            seed_files[path.name] = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise DataError([Problem(str(path), "不是 UTF-8 编码，无法作为新一期的模板", hint="请另存为 UTF-8 后重试")]) from None
    files = scaffold_files(seed_files, seed_day, target, carry)
    sealed = _seal_published(data_dir, _as_of(None, None, None))
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    click.echo(sealed)
    click.echo(f"已从 {seed} 创建 {folder}：" + "、".join(files))
    click.echo(f"下一步：填写标题、导语、正文中“待填写”处{'' if carry else '和各 CSV 中空着的数值'}，然后运行 weekly check。")


@main.command()
@click.option("--data", "data_dir", default=DEFAULT_DATA, show_default=True, type=click.Path(path_type=Path))
@AS_OF
def seal(data_dir: Path, as_of: datetime) -> None:
    """把已发布的各期记入 data/published.sha256：此后改动这些期的文件，校验与构建都会报错（weekly new 会自动做这一步）。

    例：weekly seal
    """
    from .load.snapshots import load_archive

    load_archive(data_dir)
    click.echo(_seal_published(data_dir, as_of))


@main.command()
@click.argument("day")
@click.option("--data", "data_dir", default=DEFAULT_DATA, show_default=True, type=click.Path(path_type=Path))
def unseal(day: str, data_dir: Path) -> None:
    """解除一期的封存，以便有意改动已发布的这一期（请在提交说明中写明原因；下次 weekly new / seal 会重新封存）。

    例：weekly unseal 2024-11-08
    """
    from .load.seal import unseal as forget

    try:
        target = date.fromisoformat(day)
    except ValueError:
        raise UsageError.say(f"日期应为 YYYY-MM-DD，实际为 {day!r}") from None
    if not forget(data_dir, target):
        raise UsageError.say(f"{target} 未被封存，无需解除")
    click.echo(f"已解除 {target} 的封存：现在可以改动 {data_dir / day}。改完运行 weekly check，提交时写明原因。")


def _seal_published(data_dir: Path, as_of: datetime) -> str:
    """Seal every issue public at ``as_of``; one line saying what was done."""
    from .load.snapshots import load_archive
    from .load.seal import SEALS_FILE, seal as record

    try:
        archive = load_archive(data_dir)
    except DataError:
        return "数据未通过校验，这次没有封存已发布的期；修正后运行 weekly seal。"
    added = record(data_dir, [i.date for i in archive.issues if i.is_public(as_of)])
    if not added:
        return "已发布的各期都已封存。"
    days = "、".join(d.isoformat() for d in added)
    return f"已封存 {len(added)} 期已发布的期（{days}）到 {data_dir / SEALS_FILE}：此后改动它们，校验会报错。"


def _usage(message: str) -> None:
    raise UsageError.say(message)


def _dataset_names(*, fetchable: bool = False) -> list[str]:
    """The declared datasets (those `weekly fetch` can fill, with ``fetchable``), for option choices."""
    from .schema.declarations import packaged

    return [d.name for d in packaged() if d.fetch or not fetchable]


@main.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--issue", "day", metavar="DATE", help="导入到哪一期（默认：最新一期）")
@click.option("--dataset", type=click.Choice(_dataset_names()),
              help="文件是哪个数据集（默认：按表头判断）")
@click.option("--data", "data_dir", default=DEFAULT_DATA, show_default=True, type=click.Path(path_type=Path))
@click.option("--ignore-unknown", is_flag=True, help="忽略无法识别的列（默认：列出并拒绝导入）")
@click.option("--register", is_flag=True, help="确认后把未登记的名称加入 data/entities.yaml")
def import_(files: tuple[Path, ...], day: str | None, dataset: str | None, data_dir: Path,
            ignore_unknown: bool, register: bool) -> None:
    """把分析师手上的表格（.xlsx，或 UTF-8/GBK/UTF-16 的 CSV、制表符分隔的导出）转成本期的数据 CSV，然后校验。

    列出每一处改动（单位换算、名称归一、格式），有任何拒绝时什么也不写。

    例：weekly import 个股涨跌幅.xlsx 访问量.csv --issue 2024-11-29
    """
    from .tools.importer import change_table, issue_context, plan_import, registry_block, register as add_entries
    from .load.registry import load_registry
    from .errors import Problems
    from .schema.snapshot import ENTITIES_FILE

    folder = _issue_folder(data_dir, day)

    def make_plan():
        registry = load_registry(data_dir / ENTITIES_FILE, Problems(data_dir))
        return plan_import(files, folder, issue_context(data_dir, folder, registry), dataset, ignore_unknown), registry

    plan, registry = make_plan()
    if plan.unknown and register:
        block = registry_block(plan.unknown, registry)
        click.echo("将登记到 " + str(data_dir / ENTITIES_FILE) + "：\n" + block)
        if not click.confirm("确认登记这些名称？", default=False):
            _usage("未登记，没有写入任何文件。")
        add_entries(data_dir / ENTITIES_FILE, block)
        plan, registry = make_plan()
    for note in plan.notes:
        click.echo("注：" + note)
    lines = change_table(plan.changes)
    if lines:
        click.echo("改动：")
        for line in lines:
            click.echo(line)
    refusals = plan.all_refusals
    if refusals:
        for refusal in refusals:
            click.echo(str(refusal), err=True)
        if plan.unknown:
            click.echo("可粘贴到 data/entities.yaml 的登记块（id 是网址用的英文短名，可改）：", err=True)
            click.echo(registry_block(plan.unknown, registry), err=True)
        click.echo(f"共 {len(refusals)} 处需要处理；没有写入任何文件。", err=True)
        sys.exit(1)
    _write_checked(data_dir, folder, plan.outputs(),
                   [f"已写入 {folder / i.dataset.filename}：{len(i.rows)} 行（来自 {i.source}）" for i in plan.imported])


def _write_checked(data_dir: Path, folder: Path, outputs: dict[Path, str], done: list[str]) -> None:
    """Write the files, run the checks, and put the old files back if the new ones fail them."""
    from .load.snapshots import load_archive

    before = {path: path.read_bytes() if path.exists() else None for path in outputs}
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8")
    try:
        load_archive(data_dir)
        problems = []
    except DataError as exc:
        problems = exc.problems
    names = {f"{folder.name}/{p.name}" for p in outputs}
    own = [p for p in problems if any(p.path.endswith(n) for n in names)]
    if own:
        for path, raw in before.items():
            path.unlink() if raw is None else path.write_bytes(raw)
        for problem in own:
            click.echo(str(problem), err=True)
        click.echo(f"写入的数据有 {len(own)} 处未通过校验；没有写入任何文件。", err=True)
        sys.exit(1)
    for line in done:
        click.echo(line)
    if problems:
        click.echo(f"写入的文件通过校验；其他文件还有 {len(problems)} 处问题，运行 weekly check 查看。")
    else:
        click.echo("数据校验通过。")


@main.command()
@click.argument("dataset", type=click.Choice(_dataset_names(fetchable=True)))
@click.option("--issue", "day", metavar="DATE", help="填哪一期（默认：最新一期）")
@click.option("--data", "data_dir", default=DEFAULT_DATA, show_default=True, type=click.Path(path_type=Path))
@click.option("--allow-short", is_flag=True, help="period.end 休市时用区间内最后一个收盘日（默认：报错）")
def fetch(dataset: str, day: str | None, data_dir: Path, allow_short: bool) -> None:
    """从公开行情（akshare，需联网，pip install -e '.[fetch]'）填写本期 stocks.csv 的涨跌幅与收盘价。

    涨跌幅 = period.end 的收盘价 ÷ period.start 之前最后一个收盘价 − 1（日线，不用周线）。
    股票名单取本期 stocks.csv（weekly new 已从上一期带来）；任何一只取不到，什么也不写。

    例：weekly fetch stocks --issue 2024-11-29
    """
    import frontmatter

    from .tools.fetch import FetchError, fetch_quotes, filled_rows, load_akshare
    from .tools.importer import canonical_csv
    from .load.snapshots import _as_date
    from .schema.declarations import packaged
    from .schema.model import Period
    from .schema.snapshot import ISSUE_FILE

    folder = _issue_folder(data_dir, day)
    target = packaged().by_name[dataset]
    try:
        raw = frontmatter.loads((folder / ISSUE_FILE).read_text(encoding="utf-8-sig")).metadata.get("period") or {}
        period = Period(_as_date(raw.get("start")), _as_date(raw.get("end")))
        if period.start is None or period.end is None or period.start > period.end:
            raise ValueError
    except Exception:
        _fail_lines([f"{folder / ISSUE_FILE}：front matter 'period' 应含 start 与 end 两个日期（复盘区间），"
                     "例如 period: {start: 2024-11-25, end: 2024-11-27}"])
    rows = _stock_rows(data_dir, folder, target.filename)
    if not rows:
        _fail_lines([f"{folder / target.filename}：没有股票名单；先运行 weekly new（从上一期带来名单）或 weekly import"])
    try:
        quotes, notes = fetch_quotes(rows, period, load_akshare(), allow_short)
    except FetchError as exc:
        _fail_lines([*exc.lines, f"共 {len(exc.lines)} 只股票取不到行情；没有写入任何文件。"])
    for note in notes:
        click.echo("注：" + note)
    filled = filled_rows(rows, quotes)
    for row in filled:
        q = quotes[row["ticker"]]
        click.echo(f"  {row['name']}（{row['ticker']}）：{q.base_day} 收盘 {q.base_close} → {q.end_day} 收盘 {q.end_close}，"
                   f"涨跌幅 {q.change_pct:+}%")
    _write_checked(data_dir, folder, {folder / target.filename: canonical_csv(target, filled)},
                   [f"已写入 {folder / target.filename}：{len(filled)} 只股票，区间 {period.start}～{period.end}"])


def _stock_rows(data_dir: Path, folder: Path, filename: str) -> list[dict]:
    """The issue's stock list (its stocks.csv, else the previous issue's) as text cells."""
    import csv

    from .load.snapshots import FOLDER_RE

    candidates = [folder] + sorted((p for p in data_dir.iterdir() if p.is_dir() and FOLDER_RE.match(p.name)
                                    and p.name < folder.name), reverse=True)[:1]
    for candidate in candidates:
        path = candidate / filename
        if path.exists():
            with path.open(encoding="utf-8-sig", newline="") as f:
                rows = [{k: (v or None) for k, v in r.items()} for r in csv.DictReader(f)]
            if rows:
                return rows
    return []


def _fail_lines(lines: list[str]) -> None:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(1)


def _issue_folder(data_dir: Path, day: str | None) -> Path:
    """data/<DATE>/ for --issue DATE (it must exist), else the latest issue's folder."""
    from .load.snapshots import FOLDER_RE

    folders = sorted(p for p in data_dir.iterdir() if p.is_dir() and FOLDER_RE.match(p.name)) if data_dir.is_dir() else []
    if day is None:
        if not folders:
            _usage(f"{data_dir} 下没有任何一期；先运行 weekly new")
        return folders[-1]
    try:
        target = date.fromisoformat(day)
    except ValueError:
        _usage(f"--issue 应为 YYYY-MM-DD，实际为 {day!r}")
    folder = data_dir / target.isoformat()
    if not folder.is_dir():
        _usage(f"{folder} 不存在；先运行 weekly new {target}")
    return folder


@main.command()
@click.argument("days", nargs=-1, metavar="[DATE]...")
@click.option("--data", "data_dir", default=DEFAULT_DATA, show_default=True, type=click.Path(path_type=Path))
@click.option("--site-dir", default="site", show_default=True, type=click.Path(path_type=Path),
              help="已构建的网站（weekly build 的输出）；PDF 写在各期页面旁")
@click.option("--cache-dir", default=".cache/weekly/pdf", show_default=True, type=click.Path(path_type=Path),
              help="已排版的 PDF：每期只排版一次")
@click.option("--config", "config_file", default="mkdocs.yml", show_default=True, type=click.Path(path_type=Path),
              help="网站配置；其所在文件夹的 docs/assets 含打印样式")
@AS_OF
def pdf(days: tuple[str, ...], data_dir: Path, site_dir: Path, cache_dir: Path, config_file: Path, as_of: datetime) -> None:
    """为每一期（或给出的日期）生成 A4 研报版式的 PDF（算力周跟踪-YYYY-MM-DD.pdf），放在该期页面旁。

    需要 Debian 的 chromium 与 fonts-noto-cjk；先运行 weekly build。已排版的期直接复用，未到发布时间的期没有 PDF。

    例：weekly build --site-dir site && weekly pdf --site-dir site 2024-11-22
    """
    from .errors import Problems
    from .load.seal import read_seals
    from .load.snapshots import load_archive
    from .tools.pdf import generate, pdf_jobs, remove_stale, select

    try:
        wanted = [date.fromisoformat(d) for d in days]
    except ValueError as exc:
        _usage(f"日期应为 YYYY-MM-DD：{exc}")
    started = time.perf_counter()
    archive = load_archive(data_dir, as_of)          # bad data, a PdfError: one line each, exit 1 (_Weekly)
    issues = select(archive, wanted, site_dir)
    jobs = pdf_jobs(archive, issues, read_seals(data_dir, Problems(data_dir)), config_file.resolve().parent)
    printed, reused = generate(jobs, site_dir, cache_dir, click.echo)
    remove_stale(cache_dir, jobs)
    click.echo(f"PDF：{len(jobs)} 期（新排版 {printed}，沿用 {reused}），{time.perf_counter() - started:.1f} 秒。")


@main.command()
@click.option("--weeks", default=520, show_default=True, help="期数")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path))
@click.option("--end", "end", default="2024-11-15", show_default=True, help="最后一期的日期（周五）")
@click.option("--seed", default=7, show_default=True, help="随机数种子，相同种子输出相同")
def synth(weeks: int, out_dir: Path, end: str, seed: int) -> None:
    """生成一个合成的示例数据文件夹（全部标注为示例数据），用于演示与性能测试。

    例：weekly synth --weeks 520 --out /tmp/synth520
    """
    from .tools.synth import write_archive

    try:
        end_day = date.fromisoformat(end)
    except ValueError:
        raise click.BadParameter("应为 YYYY-MM-DD", param_hint="--end")
    if end_day.weekday() != 4:
        raise click.BadParameter("应为周五", param_hint="--end")
    folders = write_archive(out_dir, weeks, end_day, seed)
    click.echo(f"已写出 {len(folders)} 期到 {out_dir}")


if __name__ == "__main__":
    main()
