"""Fetch stage: public daily quotes → an issue's stocks rows (akshare, the optional `[fetch]` extra).

The report's 复盘区间 runs from ``period.start`` to ``period.end`` (usually Monday–Wednesday),
so the move is computed from daily closes: the last close *before* ``period.start`` to the close
*on* ``period.end`` — weekly bars would measure Friday to Friday. A ticker the source does not
know, a network failure, a period.end that was no trading day: each a located message, and the
caller writes nothing. akshare is imported only here, and only when asked to fetch.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..schema.model import Period

LOOKBACK_DAYS = 20   # the last close before period.start: longer than any exchange holiday (春节 ≈ 9 days)
CHANGE_DIGITS = Decimal("0.01")


@dataclass(frozen=True)
class Source:
    """How one market's daily bars are asked for: the akshare function and the symbol it wants."""

    function: str
    symbol: Callable[[str], str | None]
    label: str


def _a_symbol(ticker: str) -> str | None:
    code, _, suffix = ticker.upper().partition(".")
    return code if suffix in ("SH", "SZ", "BJ") and code.isdigit() else None


def _hk_symbol(ticker: str) -> str | None:
    code, _, suffix = ticker.upper().partition(".")
    return code.zfill(5) if suffix == "HK" and code.isdigit() else None


US_EXCHANGES = {"O": "105", "OQ": "105", "N": "106", "A": "107"}   # 东方财富's market codes: NASDAQ, NYSE, AMEX


def _us_symbol(ticker: str) -> str | None:
    code, _, suffix = ticker.upper().rpartition(".")
    exchange = US_EXCHANGES.get(suffix)
    return f"{exchange}.{code}" if exchange and code else None


# One declaration per market the source covers (stocks.csv's `market` column).
SOURCES: dict[str, Source] = {
    "A股": Source("stock_zh_a_hist", _a_symbol, "代码.SH / .SZ / .BJ，如 688047.SH"),
    "港股": Source("stock_hk_hist", _hk_symbol, "代码.HK，如 0700.HK"),
    "美股": Source("stock_us_hist", _us_symbol, "代码.O（纳斯达克）/ .N（纽交所），如 NVDA.O"),
}


class FetchError(Exception):
    """Every ticker that could not be filled, one line each, saying what to do."""

    def __init__(self, lines: Sequence[str]):
        self.lines = list(lines)
        super().__init__("\n".join(self.lines))


@dataclass(frozen=True)
class Quote:
    """A ticker's move over the period, from two daily closes."""

    base_day: date
    base_close: Decimal
    end_day: date
    end_close: Decimal

    @property
    def change_pct(self) -> Decimal:
        return ((self.end_close / self.base_close - 1) * 100).quantize(CHANGE_DIGITS, ROUND_HALF_UP)


def load_akshare() -> Any:
    """The akshare module, or a FetchError that says how to install it."""
    try:
        return importlib.import_module("akshare")
    except ImportError:
        raise FetchError(["没有安装 akshare：运行 pip install -e '.[fetch]' 后重试（构建网站不需要它）"]) from None


def quote_from_bars(bars: Sequence[tuple[date, Decimal]], period: Period) -> Quote | str:
    """The period's quote from daily (day, close) bars, or why there is none (in words)."""
    before = [(d, c) for d, c in bars if d < period.start]
    inside = [(d, c) for d, c in bars if period.start <= d <= period.end]
    if not before:
        return f"{period.start} 之前 {LOOKBACK_DAYS} 天内没有收盘价（新股或长期停牌？）"
    if not inside:
        return f"{period.start}～{period.end} 没有一个交易日（节假日或停牌）"
    end_day, end_close = max(inside)
    if end_day != period.end:
        return f"{period.end} 不是交易日（节假日或停牌），区间内最后一个收盘日是 {end_day}"
    base_day, base_close = max(before)
    return Quote(base_day, base_close, end_day, end_close)


def _bars(frame: Any) -> list[tuple[date, Decimal]]:
    """(day, close) from an akshare daily frame (columns 日期, 收盘; 日期 a date or 'YYYY-MM-DD')."""
    out = []
    for day, close in zip(frame["日期"], frame["收盘"]):
        if close is None or close != close:
            continue
        day = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
        out.append((day, Decimal(str(close))))
    return sorted(out)


def fetch_quotes(rows: Sequence[Mapping[str, Any]], period: Period, client: Any,
                 allow_short: bool = False) -> tuple[dict[str, Quote], list[str]]:
    """Each row's quote by ticker, and notes; FetchError listing every ticker that failed."""
    quotes, notes, failures = {}, [], []
    start = (period.start - timedelta(days=LOOKBACK_DAYS)).strftime("%Y%m%d")
    end = period.end.strftime("%Y%m%d")
    for row in rows:
        name, ticker, market = row["name"], row["ticker"], row["market"]
        source = SOURCES.get(market)
        if source is None:
            failures.append(f"{name}（{ticker}）：行情来源不提供{market}的日线；请手工填写 change_pct，或用 weekly import 导入")
            continue
        symbol = source.symbol(ticker)
        if symbol is None:
            failures.append(f"{name}（{ticker}）：代码不是{market}的写法，应为 {source.label}；请改正 stocks.csv 的 ticker")
            continue
        try:
            frame = getattr(client, source.function)(symbol=symbol, period="daily", start_date=start, end_date=end, adjust="")
        except OSError as exc:          # requests' errors are OSErrors: no network, DNS, timeout, refused
            failures.append(f"{name}（{ticker}）：无法连接行情来源（{type(exc).__name__}: {exc}）；检查网络后重试")
            continue
        except (KeyError, TypeError, ValueError) as exc:   # the source's JSON has no bars for an unknown code
            failures.append(f"{name}（{ticker}）：行情来源不认识代码 {symbol}（{type(exc).__name__}）；核对 ticker")
            continue
        if frame is None or len(frame) == 0:
            failures.append(f"{name}（{ticker}）：行情来源没有 {symbol} 在 {start}～{end} 的日线；核对 ticker，或确认期间未停牌")
            continue
        bars = _bars(frame)
        quote = quote_from_bars(bars, period)
        if isinstance(quote, str) and allow_short and "不是交易日" in quote:
            short = Period(period.start, max(d for d, _ in bars if d <= period.end))
            notes.append(f"{name}（{ticker}）：{quote}，按 --allow-short 用 {short.end} 的收盘价")
            quote = quote_from_bars(bars, short)
        if isinstance(quote, str):
            fix = "；确认 period 无误，或加 --allow-short 用区间内最后一个收盘日" if "不是交易日" in quote else ""
            failures.append(f"{name}（{ticker}）：{quote}{fix}")
            continue
        quotes[ticker] = quote
    if failures:
        raise FetchError(failures)
    return quotes, notes


def filled_rows(rows: Sequence[Mapping[str, Any]], quotes: Mapping[str, Quote]) -> list[dict[str, Any]]:
    """The stocks rows with change_pct and close from the quotes, as real (not sample) data."""
    out = []
    for row in rows:
        quote = quotes[row["ticker"]]
        out.append({**row, "change_pct": quote.change_pct, "close": quote.end_close, "sample": False})
    return out
