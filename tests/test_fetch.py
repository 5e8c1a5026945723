"""`weekly fetch stocks`: the period's move from daily closes, with the network blocked.

akshare is replaced by a module that returns recorded frames in the shape akshare 1.19.5
documents for stock_zh_a_hist / stock_hk_hist / stock_us_hist (东方财富 daily bars: 日期, 开盘,
收盘, 最高, 最低, 成交量, 成交额, 振幅, 涨跌幅, 涨跌额, 换手率; the A-share frame adds 股票代码;
日期 is a date for A-shares and Hong Kong and a 'YYYY-MM-DD' string for US names).
"""
from __future__ import annotations

import socket
import sys
import types
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import copy_data
from generators.cli import main
from generators.tools.fetch import fetch_quotes, FetchError, quote_from_bars
from generators.schema.model import Period

pytestmark = pytest.mark.disable_socket
ISSUE = "2024-11-22"          # period 2024-11-18 (Mon) – 2024-11-20 (Wed)
BASE, END = date(2024, 11, 15), date(2024, 11, 20)
COLUMNS = ["日期", "开盘", "收盘", "最高", "最低", "成交量", "成交额", "振幅", "涨跌幅", "涨跌额", "换手率"]


def daily_frame(closes: dict[date, float], *, a_share: str | None = None, string_dates: bool = False) -> pd.DataFrame:
    """A daily-bar frame as akshare returns it (the other columns filled plausibly)."""
    rows = []
    for day, close in sorted(closes.items()):
        rows.append([day.isoformat() if string_dates else day, close, close, close * 1.01, close * 0.99,
                     120000, close * 120000, 2.0, 0.5, 0.6, 1.1])
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if a_share:
        frame.insert(1, "股票代码", a_share)
    return frame


def week(base: float, end: float, *, holiday: date | None = None) -> dict[date, float]:
    """Closes from 2024-11-11 to 2024-11-20 (weekdays), with ``base`` on 11-15 and ``end`` on 11-20."""
    closes, day = {}, date(2024, 11, 11)
    while day <= END:
        if day.weekday() < 5 and day != holiday:
            closes[day] = base if day <= BASE else round(base + (end - base) * (day - BASE).days / 5, 2)
        day += timedelta(days=1)
    closes[BASE], closes[END] = base, end
    if holiday in closes:
        del closes[holiday]
    return closes


SEED = {  # the seed issue's moves: base close 100 → the close that gives them
    "105.NVDA": 103.54, "105.AMD": 103.33, "105.INTC": 98.38, "688047": 108.95, "688256": 109.98, "688041": 103.81,
    "105.SMCI": 152.15,
}


class FakeAkshare(types.ModuleType):
    """Stands in for akshare: recorded frames by symbol; records every call."""

    def __init__(self, frames: dict[str, pd.DataFrame], fail: Exception | None = None):
        super().__init__("akshare")
        self.frames, self.fail, self.calls = frames, fail, []

    def _get(self, function, symbol, period, start_date, end_date, adjust):
        self.calls.append((function, symbol, period, start_date, end_date))
        assert period == "daily"
        if self.fail:
            raise self.fail
        return self.frames.get(symbol, pd.DataFrame())

    def stock_zh_a_hist(self, **kw):
        return self._get("stock_zh_a_hist", **kw)

    def stock_hk_hist(self, **kw):
        return self._get("stock_hk_hist", **kw)

    def stock_us_hist(self, **kw):
        return self._get("stock_us_hist", **kw)


def seed_frames(**changes) -> dict[str, pd.DataFrame]:
    frames = {}
    for symbol, end in {**SEED, **changes}.items():
        us = "." in symbol
        frames[symbol] = daily_frame(week(100.0, end), a_share=None if us else symbol, string_dates=us)
    return frames


@pytest.fixture
def data(tmp_path):
    return copy_data(tmp_path)


def run_fetch(monkeypatch, data, fake, *extra):
    monkeypatch.setitem(sys.modules, "akshare", fake)
    return CliRunner().invoke(main, ["fetch", "stocks", "--issue", ISSUE, "--data", str(data), *extra])


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_the_network_is_blocked_in_these_tests():
    with pytest.raises(Exception, match="socket"):
        socket.create_connection(("example.com", 80), timeout=1)


def test_fetch_fills_change_and_close_from_the_last_close_before_the_period_to_its_end(monkeypatch, data):
    fake = FakeAkshare(seed_frames())
    result = run_fetch(monkeypatch, data, fake)
    assert result.exit_code == 0, result.output
    assert (data / ISSUE / "stocks.csv").read_text(encoding="utf-8") == (
        "name,ticker,market,segment,change_pct,market_cap,close,sample\n"
        "英伟达,NVDA.O,美股,GPU/CPU,3.54,,103.54,false\n"
        "AMD,AMD.O,美股,GPU/CPU,3.33,,103.33,false\n"
        "英特尔,INTC.O,美股,GPU/CPU,-1.62,,98.38,false\n"
        "龙芯中科,688047.SH,A股,GPU/CPU,8.95,,108.95,false\n"
        "寒武纪,688256.SH,A股,GPU/CPU,9.98,,109.98,false\n"
        "海光信息,688041.SH,A股,GPU/CPU,3.81,,103.81,false\n"
        "超微电脑,SMCI.O,美股,数据中心硬件,52.15,,152.15,false\n")
    assert "英伟达（NVDA.O）：2024-11-15 收盘 100.0 → 2024-11-20 收盘 103.54，涨跌幅 +3.54%" in result.output
    # daily bars from well before the period's start to its end, never weekly bars
    assert ("stock_us_hist", "105.NVDA", "daily", "20241029", "20241120") in fake.calls
    assert ("stock_zh_a_hist", "688047", "daily", "20241029", "20241120") in fake.calls


def test_fetch_reports_a_ticker_the_source_does_not_know_and_writes_nothing(monkeypatch, data):
    before = (data / ISSUE / "stocks.csv").read_bytes()
    frames = seed_frames()
    del frames["688256"]
    result = run_fetch(monkeypatch, data, FakeAkshare(frames))
    assert result.exit_code == 1
    assert "寒武纪（688256.SH）：行情来源没有 688256 在 20241029～20241120 的日线；核对 ticker，或确认期间未停牌" in result.output
    assert "共 1 只股票取不到行情；没有写入任何文件。" in result.output
    assert (data / ISSUE / "stocks.csv").read_bytes() == before


def test_fetch_reports_a_network_failure_and_writes_nothing(monkeypatch, data):
    before = (data / ISSUE / "stocks.csv").read_bytes()
    result = run_fetch(monkeypatch, data, FakeAkshare({}, fail=ConnectionError("Max retries exceeded")))
    assert result.exit_code == 1
    assert "英伟达（NVDA.O）：无法连接行情来源（ConnectionError: Max retries exceeded）；检查网络后重试" in result.output
    assert (data / ISSUE / "stocks.csv").read_bytes() == before


def test_fetch_refuses_a_holiday_shortened_period_unless_allowed(monkeypatch, data):
    frames = seed_frames()
    frames["105.NVDA"] = daily_frame(week(100.0, 103.54, holiday=END), string_dates=True)
    refused = run_fetch(monkeypatch, data, FakeAkshare(frames))
    assert refused.exit_code == 1
    assert ("英伟达（NVDA.O）：2024-11-20 不是交易日（节假日或停牌），区间内最后一个收盘日是 2024-11-19；"
            "确认 period 无误，或加 --allow-short 用区间内最后一个收盘日") in refused.output
    allowed = run_fetch(monkeypatch, data, FakeAkshare(frames), "--allow-short")
    assert allowed.exit_code == 0, allowed.output
    assert "按 --allow-short 用 2024-11-19 的收盘价" in allowed.output


def test_fetch_asks_for_akshare_when_it_is_not_installed(monkeypatch, data):
    monkeypatch.setitem(sys.modules, "akshare", None)      # import akshare → ImportError
    result = CliRunner().invoke(main, ["fetch", "stocks", "--issue", ISSUE, "--data", str(data)])
    assert result.exit_code == 1
    assert "没有安装 akshare：运行 pip install -e '.[fetch]' 后重试" in result.output


def test_fetch_asks_hong_kong_names_by_their_five_digit_code():
    fake = FakeAkshare({"00700": daily_frame(week(400.0, 410.0))})
    rows = [{"name": "腾讯控股", "ticker": "0700.HK", "market": "港股"}]
    quotes, _ = fetch_quotes(rows, Period(date(2024, 11, 18), END), fake)
    assert fake.calls[0][:2] == ("stock_hk_hist", "00700")
    assert quotes["0700.HK"].change_pct == Decimal("2.50")


def test_fetch_names_markets_and_tickers_it_cannot_ask_for():
    rows = [{"name": "台积电", "ticker": "2330.TW", "market": "台股"}, {"name": "英伟达", "ticker": "NVDA", "market": "美股"}]
    with pytest.raises(FetchError) as caught:
        fetch_quotes(rows, Period(date(2024, 11, 18), END), FakeAkshare({}))
    assert caught.value.lines == [
        "台积电（2330.TW）：行情来源不提供台股的日线；请手工填写 change_pct，或用 weekly import 导入",
        "英伟达（NVDA）：代码不是美股的写法，应为 代码.O（纳斯达克）/ .N（纽交所），如 NVDA.O；请改正 stocks.csv 的 ticker",
    ]


def test_a_period_with_no_trading_day_is_explained():
    bars = [(date(2024, 9, 30), Decimal("10"))]
    assert quote_from_bars(bars, Period(date(2024, 10, 1), date(2024, 10, 4))) == "2024-10-01～2024-10-04 没有一个交易日（节假日或停牌）"
