"""Article-text quality on Zyte's article-extraction benchmark: plain trafilatura vs ours.

    python bench/extraction_quality.py [CORPUS] [--worst N] [--pages N]

CORPUS (default ``../shared/corpora/article-extraction-benchmark`` from the repository root)
holds ``ground-truth.json`` and ``html/<id>.html.gz``; when it is absent the bench says so
and exits 0. Scored with the benchmark's own metric (``ingest.evaluate_extraction``):

- ``trafilatura``: ``trafilatura.extract(html)``, its defaults (comments kept);
- ``trafilatura -comments``: ``trafilatura.extract(html, include_comments=False)``, as the
  benchmark's own runner calls it (the published trafilatura figure);
- ``ours``: ``ingest.extract.extract_article(html, url=...).text`` (``INGEST_EXTRACTION=
  standard``, the default), which also extracts the metadata (title, authors, dates,
  language) that plain trafilatura does not;
- ``ours thorough``: the same with ``thorough=True`` (``INGEST_EXTRACTION=thorough``).

Precision, recall and F1 are printed for all pages and for the two halves of the page ids
sorted: the thresholds of ``ingest.body.Rules`` were chosen on the even-numbered half (0th,
2nd, ... id) and the odd half was only looked at afterwards, so the odd half's figure is
the fairer estimate of quality on pages the rules were not tuned on. Speed: each page is
run through all three in turn, in one process (the machine's load affects them alike);
pages/s for each and our extra cost per page. ``--worst N`` lists the N pages where our F1
is lowest, and every page where our recall is below plain trafilatura's is listed (text
that trafilatura alone would have kept and we did not).
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections import Counter
from pathlib import Path

import trafilatura

from ingest import errors
from ingest.evaluate_extraction import PageScore, aggregate, score_page
from ingest.extract import extract_article

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared/corpora/article-extraction-benchmark"


def ours(html: str, url: str, thorough: bool = False) -> tuple[str, str]:
    try:
        article = extract_article(html, url=url, thorough=thorough)
    except errors.ExtractionError:
        return "", "none"
    return article.text, article.text_source


RUNNERS = {
    "trafilatura": lambda html, url: (trafilatura.extract(html), ""),
    "trafilatura -comments": lambda html, url: (
        trafilatura.extract(html, include_comments=False),
        "",
    ),
    "ours": ours,
    "ours thorough": lambda html, url: ours(html, url, thorough=True),
}
NAMES = tuple(RUNNERS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--worst", type=int, default=0, metavar="N")
    parser.add_argument("--pages", type=int, default=0, metavar="N", help="only the first N")
    args = parser.parse_args()
    truth_file = args.corpus / "ground-truth.json"
    if not truth_file.exists():
        print(f"benchmark corpus not found at {args.corpus}: nothing measured")
        return
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    ids = sorted(truth)[: args.pages or None]
    half = {page_id: ("even", "odd")[i % 2] for i, page_id in enumerate(ids)}

    with gzip.open(args.corpus / "html" / f"{ids[0]}.html.gz", "rt", encoding="utf-8") as f:
        first = f.read()
    for run in RUNNERS.values():  # warm up: trafilatura loads its word lists on first use
        run(first, truth[ids[0]]["url"])
    scores: dict[str, dict[str, PageScore]] = {name: {} for name in NAMES}
    seconds = Counter()
    sources = Counter()
    source_of = {}
    for page_id in ids:
        with gzip.open(args.corpus / "html" / f"{page_id}.html.gz", "rt", encoding="utf-8") as f:
            html = f.read()
        expected, url = truth[page_id]["articleBody"], truth[page_id]["url"]
        for name, run in RUNNERS.items():
            started = time.perf_counter()
            result, source = run(html, url)
            seconds[name] += time.perf_counter() - started
            if name == "ours":
                source_of[page_id] = source
                sources[source] += 1
            scores[name][page_id] = score_page(expected, result)

    print(f"{len(ids)} pages of {args.corpus.name} (thresholds chosen on the even half)")
    print(f"{'':24}{'all P / R / F1':>24}{'even F1':>9}{'odd F1':>8}{'pages/s':>9}")
    for name in NAMES:
        total = aggregate(scores[name].values())
        even, odd = (
            aggregate(s for page_id, s in scores[name].items() if half[page_id] == part)
            for part in ("even", "odd")
        )
        print(
            f"{name:24}{total.precision:8.3f} /{total.recall:6.3f} /{total.f1:6.3f}"
            f"{even.f1:9.3f}{odd.f1:8.3f}{len(ids) / seconds[name]:9.1f}"
        )
    plain, mine = scores["trafilatura -comments"], scores["ours"]
    extra = (seconds["ours"] - seconds["trafilatura -comments"]) / len(ids) * 1000
    extra_thorough = (seconds["ours thorough"] - seconds["trafilatura -comments"]) / len(ids)
    print(
        f"per page, against trafilatura -comments: ours {extra:+.0f} ms (metadata and dates, "
        f"fast mode); ours thorough {extra_thorough * 1000:+.0f} ms (metadata and dates, a "
        "precision-minded pass, on some pages a fast-mode one)"
    )
    print(
        "rules that changed the text:",
        ", ".join(
            f"{source.removeprefix('trafilatura+') or 'none'} {n}"
            for source, n in sources.most_common()
        ),
    )

    lost = [p for p in ids if mine[p].recall < plain[p].recall - 0.001]
    print(f"pages where ours recalls less than trafilatura -comments: {len(lost)}")
    for page_id in lost:
        print(
            f"  {page_id[:12]} recall {plain[page_id].recall:.3f} -> {mine[page_id].recall:.3f}"
            f"  ({source_of[page_id]})  {truth[page_id]['url']}"
        )
    if args.worst:
        print(f"worst {args.worst} pages by our F1 (ours P/R/F1 | trafilatura -comments F1):")
        for page_id in sorted(ids, key=lambda p: mine[p].f1)[: args.worst]:
            s = mine[page_id]
            print(
                f"  {page_id[:12]} {half[page_id]:4} {s.precision:.3f}/{s.recall:.3f}/"
                f"{s.f1:.3f} | {plain[page_id].f1:.3f}  ({source_of[page_id]})  "
                f"{truth[page_id]['url']}"
            )


if __name__ == "__main__":
    main()
