"""The `weekly` command: check, render, build and serve the 算力周跟踪 archive.

Exit codes: 0 success, 1 bad data (one line per problem), 2 bad usage.
"""
from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

import click

from .errors import DataError

DEFAULT_DATA = "data"


def _as_of(ctx, param, value: str | None) -> datetime:
    """--as-of 'YYYY-MM-DD HH:MM' (Beijing time); default now."""
    from .load import now_in_beijing, parse_time

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


def _fail_data(exc: DataError) -> None:
    for problem in exc.problems:
        click.echo(str(problem), err=True)
    click.echo(f"共 {len(exc.problems)} 处问题，请修正后重试。", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """算力周跟踪：把 data/ 下的每周数据快照生成为可检索的网站。"""


@main.command()
@click.option("--data", "data_dir", default=DEFAULT_DATA, show_default=True, type=click.Path(path_type=Path),
              help="数据文件夹")
@AS_OF
def check(data_dir: Path, as_of: datetime) -> None:
    """校验每一期数据（包括未到发布时间的期和草稿）；有问题时逐条列出文件、行和列，并以 1 退出。

    例：weekly check --data data
    """
    from .load import load_archive

    try:
        archive = load_archive(data_dir)
    except DataError as exc:
        _fail_data(exc)
    click.echo(f"数据校验通过：{len(archive.snapshots)} 期，最新一期 {archive.issues[-1].date}。")
    for line in _embargoed(archive, as_of):
        click.echo(line)


@main.command()
@click.option("--data", "data_dir", default=DEFAULT_DATA, show_default=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path), help="输出文件夹")
@AS_OF
def render(data_dir: Path, out_dir: Path, as_of: datetime) -> None:
    """只生成 Markdown 页面与图表数据，不构建网站。

    例：weekly render --out build/md
    """
    from .pipeline import jieba_dictionary, run, write

    try:
        site = run(data_dir, as_of)
    except DataError as exc:
        _fail_data(exc)
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
    from .load import load_archive, public_archive

    started = time.perf_counter()
    click.echo("① 校验数据 …")
    try:
        archive = load_archive(data_dir)
        public_archive(archive, as_of, data_dir)
    except DataError as exc:
        _fail_data(exc)
    click.echo(f"   {len(archive.snapshots)} 期数据通过校验；按 {as_of:%Y-%m-%d %H:%M}（北京时间）构建")
    for line in _embargoed(archive, as_of):
        click.echo(line)
    click.echo("② 生成页面并构建网站 …")
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    try:
        _mkdocs_build(config_file, data_dir, staging, strict, as_of)
    except SystemExit:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    except Exception:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    click.echo("③ 发布到 " + str(site_dir))
    _swap_into_place(staging, site_dir)
    click.echo(f"完成：{time.perf_counter() - started:.1f} 秒。")


def _mkdocs_build(config_file: Path, data_dir: Path, site_dir: Path, strict: bool, as_of: datetime) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    _show_mkdocs_messages()
    try:
        os.environ["WEEKLY_DATA_DIR"] = str(data_dir.resolve())
        os.environ["WEEKLY_AS_OF"] = f"{as_of:%Y-%m-%d %H:%M}"
        config = load_config(str(config_file), site_dir=str(site_dir), strict=strict)
        config.plugins.on_startup(command="build", dirty=False)
        mkdocs_build(config)
    except PluginError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    except (Abort, ConfigurationError) as exc:
        click.echo(f"构建失败：{exc}", err=True)
        sys.exit(1)


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


def _swap_into_place(staging: Path, site_dir: Path) -> None:
    """Replace site_dir by staging with two renames, so readers never see a half-written site."""
    old = None
    if site_dir.exists():
        old = site_dir.with_name(site_dir.name + ".old-" + str(os.getpid()))
        site_dir.rename(old)
    staging.rename(site_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


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
    from mkdocs.commands.serve import serve as mkdocs_serve

    from .load import PREVIEW

    if as_of != PREVIEW:
        as_of = f"{_as_of(None, None, as_of):%Y-%m-%d %H:%M}"
    os.environ["WEEKLY_DATA_DIR"] = str(data_dir.resolve())
    os.environ["WEEKLY_AS_OF"] = as_of
    _show_mkdocs_messages(logging.INFO)      # "Serving on http://…/suanli-weekly/", rebuilds, warnings
    for chatty in ("mkdocs.plugins.mkdocs_macros", "mkdocs.structure.nav"):   # module lists; issues not in nav
        logging.getLogger(chatty).setLevel(logging.WARNING)
    mkdocs_serve(config_file=config_file, dev_addr=dev_addr, livereload=True)


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
    from .load import FOLDER_RE
    from .scaffold import coming_friday, scaffold_files

    folders = sorted(p for p in data_dir.iterdir() if p.is_dir() and FOLDER_RE.match(p.name)) if data_dir.is_dir() else []
    if not folders:
        _usage(f"{data_dir} 下没有任何一期可作为模板")
    seed = folders[-1]
    seed_day = date.fromisoformat(seed.name)
    if day is None:
        target = coming_friday(seed_day)
    else:
        try:
            target = date.fromisoformat(day)
        except ValueError:
            _usage(f"日期应为 YYYY-MM-DD，实际为 {day!r}")
    folder = data_dir / target.isoformat()
    if folder.exists():
        _usage(f"{folder} 已存在，不会覆盖。要重新生成，请先删除或改名该文件夹。")
    if target <= seed_day:
        _usage(f"新一期的日期 {target} 应晚于最新一期 {seed_day}")
    seed_files = {p.name: p.read_text(encoding="utf-8-sig") for p in sorted(seed.iterdir()) if p.is_file()}
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
    from .load import load_archive

    try:
        load_archive(data_dir)
    except DataError as exc:
        _fail_data(exc)
    click.echo(_seal_published(data_dir, as_of))


@main.command()
@click.argument("day")
@click.option("--data", "data_dir", default=DEFAULT_DATA, show_default=True, type=click.Path(path_type=Path))
def unseal(day: str, data_dir: Path) -> None:
    """解除一期的封存，以便有意改动已发布的这一期（请在提交说明中写明原因；下次 weekly new / seal 会重新封存）。

    例：weekly unseal 2024-11-08
    """
    from .seal import unseal as forget

    try:
        target = date.fromisoformat(day)
    except ValueError:
        _usage(f"日期应为 YYYY-MM-DD，实际为 {day!r}")
    if not forget(data_dir, target):
        _usage(f"{target} 未被封存，无需解除")
    click.echo(f"已解除 {target} 的封存：现在可以改动 {data_dir / day}。改完运行 weekly check，提交时写明原因。")


def _seal_published(data_dir: Path, as_of: datetime) -> str:
    """Seal every issue public at ``as_of``; one line saying what was done."""
    from .load import load_archive
    from .seal import SEALS_FILE, seal as record

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
    click.echo(message, err=True)
    sys.exit(2)


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
    from .load import load_archive
    from .pdf import PdfError, generate, pdf_jobs, remove_stale, select
    from .seal import read_seals

    try:
        wanted = [date.fromisoformat(d) for d in days]
    except ValueError as exc:
        _usage(f"日期应为 YYYY-MM-DD：{exc}")
    started = time.perf_counter()
    try:
        archive = load_archive(data_dir, as_of)
    except DataError as exc:
        _fail_data(exc)
    try:
        issues = select(archive, wanted, site_dir)
        jobs = pdf_jobs(archive, issues, read_seals(data_dir, Problems(data_dir)), config_file.resolve().parent)
        printed, reused = generate(jobs, site_dir, cache_dir, click.echo)
    except PdfError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
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
    from .synth import write_archive

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
