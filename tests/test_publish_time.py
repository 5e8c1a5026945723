"""publish_at with a time zone, and the feed's pubDate: an issue appears at the moment it says."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime

import pytest

from conftest import copy_data
from generators.exports.feed import feed_xml
from generators.load.snapshots import load_archive, parse_time
from generators.schema.model import BEIJING


def with_publish_at(data, line: str) -> None:
    path = data / "2024-11-22" / "issue.md"
    path.write_text(path.read_text(encoding="utf-8").replace("sample: false\n", f"sample: false\n{line}\n", 1),
                    encoding="utf-8")


@pytest.mark.parametrize("line", [
    "publish_at: 2024-11-22T03:00:00Z",             # YAML reads it as an aware datetime (UTC)
    'publish_at: "2024-11-22T03:00:00Z"',
    'publish_at: "2024-11-22T03:00+00:00"',
    'publish_at: "2024-11-22T12:00:00+09:00"',
    'publish_at: "2024-11-22 11:00"',               # no zone: Beijing time
    "publish_at: 2024-11-22 11:00:00",
])
def test_publish_at_with_a_zone_is_converted_and_without_one_is_beijing_time(tmp_path, line):
    data = copy_data(tmp_path)
    with_publish_at(data, line)
    seed = load_archive(data).issues[-1]
    assert seed.publication_time == datetime(2024, 11, 22, 11, 0, tzinfo=BEIJING)
    assert load_archive(data, parse_time("2024-11-22 10:59")).issues[-1].date == date(2024, 11, 15)
    assert load_archive(data, parse_time("2024-11-22 11:00")).issues[-1].date == date(2024, 11, 22)


def test_feed_pub_date_is_the_issue_publication_time(tmp_path):
    data = copy_data(tmp_path)
    with_publish_at(data, 'publish_at: "2024-11-22T02:30:00Z"')
    issues = load_archive(data).issues
    items = ET.fromstring(feed_xml(issues, "https://example.org/w/", "t", "d").encode()).findall("./channel/item")
    dates = {i.findtext("link").rsplit("/", 2)[-2]: i.findtext("pubDate") for i in items}
    assert dates["2024-11-22"] == "Fri, 22 Nov 2024 10:30:00 +0800"
    assert dates["2024-11-15"] == "Fri, 15 Nov 2024 09:00:00 +0800"
