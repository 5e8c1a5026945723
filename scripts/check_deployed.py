"""Is the newest public issue on the deployed site? Run by deploy.yml's `verify` job.

    python3 scripts/check_deployed.py --newest SITE_DIR          print the newest item's link in SITE_DIR/feed.xml
    python3 scripts/check_deployed.py --expect LINK PAGE_URL      exit 1 unless PAGE_URL's feed.xml lists LINK

The built site's feed says which issue the build published (the build leaves out what is not yet
public); the deployed feed says what readers get. GitHub Pages takes a little while to serve a new
deployment, so the deployed feed is read a few times before the check gives up. Standard library
only: the verify job runs on the runner's own python3, without the project installed.
"""
from __future__ import annotations

import argparse
import sys
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path


def item_links(feed_xml: str) -> list[str]:
    """The item links of an RSS 2.0 document, in document order (newest first in ours)."""
    return [link.text or "" for link in ET.fromstring(feed_xml).iter("link") if link.text and "/issues/" in link.text]


def newest(site_dir: Path) -> str:
    links = item_links((site_dir / "feed.xml").read_text(encoding="utf-8"))
    if not links:
        raise SystemExit(f"{site_dir / 'feed.xml'}：没有任何一期")
    return links[0]


def deployed_has(link: str, page_url: str, attempts: int, wait: float) -> tuple[bool, str]:
    url = page_url.rstrip("/") + "/feed.xml"
    last = ""
    for attempt in range(attempts):
        if attempt:
            time.sleep(wait)
        try:
            with urllib.request.urlopen(f"{url}?check={time.time_ns()}", timeout=30) as response:
                links = item_links(response.read().decode("utf-8"))
        except (urllib.error.URLError, ET.ParseError, OSError) as exc:
            last = f"{url} 读取失败：{exc}"
            continue
        if link in links:
            return True, ""
        last = f"{url} 中最新的一期是 {links[0] if links else '（无）'}"
    return False, last


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--newest", type=Path, metavar="SITE_DIR")
    parser.add_argument("--expect", metavar="LINK")
    parser.add_argument("page_url", nargs="?")
    parser.add_argument("--attempts", type=int, default=10)
    parser.add_argument("--wait", type=float, default=30.0)
    args = parser.parse_args(argv)
    if args.newest:
        print(newest(args.newest))
        return 0
    if not (args.expect and args.page_url):
        parser.error("--expect LINK PAGE_URL, or --newest SITE_DIR")
    ok, why = deployed_has(args.expect, args.page_url, args.attempts, args.wait)
    if ok:
        print(f"已发布：{args.expect}")
        return 0
    print(f"::error::部署后的网站没有最新一期 {args.expect}：{why}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
