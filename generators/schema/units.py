"""Chinese number formatting: 万/亿 units and signed percentages."""
from __future__ import annotations

import math
from functools import lru_cache

# The formatters are memoised: a value is shown in every issue whose window holds it (52 weeks of
# visits), in its table and on its entity page. -0.0 equals 0.0 and shares its memo entry, so each
# formatter shows zero as zero, never as -0, whichever came first.
MEMO = 1 << 16


@lru_cache(maxsize=MEMO)
def wan(value_in_wan: float | None, unit: str = "") -> str:
    """Format a value counted in 万 as 万 or 亿 (1亿 = 10000万)."""
    if value_in_wan is None or (isinstance(value_in_wan, float) and math.isnan(value_in_wan)):
        return "—"
    value_in_wan += 0.0        # -0.0 → 0.0
    if abs(value_in_wan) >= 10000:
        return f"{value_in_wan / 10000:.2f}亿{unit}"
    return f"{value_in_wan:,.0f}万{unit}" if abs(value_in_wan) >= 100 else f"{value_in_wan:g}万{unit}"


@lru_cache(maxsize=MEMO)
def pct(value: float | None) -> str:
    """Signed percentage as the report writes it: +3.54%, -1.20%."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value + 0.0:+.2f}%"


@lru_cache(maxsize=MEMO)
def plain(value: float | None, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value + 0.0:,.{digits}f}"


@lru_cache(maxsize=MEMO)
def wan_ticks(top: float, count: int = 5) -> tuple[tuple[float, ...], tuple[str, ...]]:
    """Axis ticks for a value range in 万, labelled in 万/亿 (memoised: shared, never modify)."""
    if top <= 0:
        return (0.0,), ("0",)
    raw = top / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    vals = [i * step for i in range(int(top // step) + 2)]
    texts = []
    for v in vals:
        if v == 0:
            texts.append("0")
        elif v >= 10000:
            texts.append(f"{v / 10000:g}亿")
        else:
            texts.append(f"{v:g}万")
    return tuple(vals), tuple(texts)


def _plain0(value: float | None) -> str:
    return plain(value, 0)


# A number as a table or a sentence shows it, by its column's declared format (datasets.yaml).
CELL = {"pct": pct, "wan": wan, "plain": plain, "plain0": _plain0, "usd": plain}


def cell(column, value):
    """A cell as pages show it: a number in its column's format, any other value as it is."""
    return CELL[column.format](value) if column.kind == "number" else value
