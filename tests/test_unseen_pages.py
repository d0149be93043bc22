"""The cleaner generalises to pages it has never seen: real pages mutated like the next redesign.

``tests/page_mutations.py`` takes every article page with an expectation (the repo fixtures and,
when present, ``../shared/netease-pages``) and builds, deterministically (fixed seed), pages with
boilerplate blocks injected into the body (invented markup, class names and wording nothing in
``scraper/`` knows), pages whose class/id names are all rewritten (a redesign), a cut-down short
body, and genuine additions that must be kept. See that module's docstring for the mutations and
``evaluate`` for the checks and thresholds (recall >= 0.97, precision >= 0.95, zero injected
strings in the text or images).

Three layers, so a failure says whose fault it is:

* ``test_generator_keeps_page_intact``: the mutated page still holds every expected paragraph and
  every injected block inside the body (the generator's own check, independent of the cleaner);
* ``test_control_roundtrip``: the unmutated page, serialised exactly as the mutated ones are,
  cleans to its gold (the re-serialisation itself breaks nothing);
* ``test_unseen_page``: the cleaner on the mutated page.

``python tests/page_mutations.py --report`` prints the same verdicts as pass rates per mutation
and per block kind, with the leaked strings.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from page_mutations import (
    KINDS,
    MUTATIONS,
    SHARED_PAGES,
    Kinds,
    Markup,
    evaluate,
    evaluate_control,
    load_pages,
    mutated,
    sanity,
)

PAGES = load_pages()
NAMES = [p.name for p in PAGES]
CASES = [(page, mutation) for page in NAMES for mutation in MUTATIONS]
SCRAPER = Path(__file__).resolve().parents[1] / "scraper"

# Cases the cleaner still gets wrong, each with what goes wrong (2026-12-02: 32 of 450 mutated pages).
# They are open problems, listed so that CI stays green while every *other* case must pass: a case
# that regresses fails the suite, a listed case that starts passing fails too, until it is taken off
# the list. Most are a short sub-heading wrapped together with a list (inject-nested), the
# 亦观察 column's closing note and header after a rename, and a video title next to injected links.
KNOWN_GAPS = frozenset(
    {
        "rename-all:fx-lists-article-photo-captions",  # captions only, no prose: the template-free path says not_an_article
        "rename-body:fx-lists-article-photo-captions",  # the same
        "redesign-inject:fx-lists-article-photo-captions",  # the same
        "inject-middle:fx-lists-article-short-sidebar",  # a 3-paragraph body with a block in the middle
        "inject-nested:fx-nasty-gbk-undeclared",  # neighbour paragraph lost: '“六不”要牢记'
        "inject-first:fx-nasty-truncated",  # injected app_prompt leaked: '<img http://dingyue.ws.126.net/2024/0425/f377d1de30883082.jp'
        "inject-nested:fx-nasty-truncated",  # recall 0.939 < 0.97: 1 paragraphs lost, e.g. '中试线上的电解质膜涂布设备（受访者供图）'
        "inject-nested:fx-pc-2021-dy-wemedia",  # neighbour paragraph lost: '办法二：改方案'
        "short-body:fx-pc-2021-dy-wemedia",  # precision 0.783 < 0.95: 1 lines not in the gold, e.g. '两大运营商发布电动自行车充电新规，8月7日起施行老街纪实 2'
        "inject-nested:fx-pc-2021-news-tech",  # neighbour paragraph lost: '针刺测试未起火'
        "rename-all:fx-pc-legacy-observe-column",  # page text from outside the body leaked: 'No.617'
        "rename-body:fx-pc-legacy-observe-column",  # page text from outside the body leaked: 'No.617'
        "redesign-inject:fx-pc-legacy-observe-column",  # page text from outside the body leaked: 'No.617'
        "inject-nested:cx-money-2",  # neighbour paragraph lost: '三、始料不及的结果'
        "rename-all:cx-money-30",  # recall 0.965 < 0.97: 1 paragraphs lost, e.g. '本文为李光斗独家授权网易财经《亦观察》专栏发布，转载请注明出'
        "rename-body:cx-money-30",  # recall 0.965 < 0.97: 1 paragraphs lost, e.g. '本文为李光斗独家授权网易财经《亦观察》专栏发布，转载请注明出'
        "redesign-inject:cx-money-30",  # recall 0.965 < 0.97: 1 paragraphs lost, e.g. '本文为李光斗独家授权网易财经《亦观察》专栏发布，转载请注明出'
        "rename-all:cx-money-5",  # page text from outside the body leaked: '/29'
        "redesign-inject:cx-money-5",  # page text from outside the body leaked: '/29'
        "inject-scatter:gerapy-netease-news1",  # injected back_home leaked: '回到顶部 ↑'
        "inject-nested:gne-163-1",  # neighbour paragraph lost: '整改及交付难题或拖累业绩表现'
        "rename-all:gne-163-5",  # precision 0.904 < 0.95: 1 lines not in the gold, e.g. '近日，四川江油一社区女民警在开展辖区“实有人口”核查工作时，'
        "rename-body:gne-163-5",  # precision 0.904 < 0.95: 1 lines not in the gold, e.g. '近日，四川江油一社区女民警在开展辖区“实有人口”核查工作时，'
        "redesign-inject:gne-163-5",  # precision 0.910 < 0.95: 1 lines not in the gold, e.g. '近日，四川江油一社区女民警在开展辖区“实有人口”核查工作时，'
        "short-body:gne-163-9",  # precision 0.625 < 0.95: 2 lines not in the gold, e.g. '说说你的看法'; '极弧折叠屏手机这个价格，你会买吗？'
        "inject-nested:magichtml-dy-J22CN60P0514R9KQ",  # injected back_home leaked: '回到顶部 ↑'
        "inject-scatter:magichtml-dy-J22CN60P0514R9KQ",  # injected breadcrumb leaked: '贵阳汽车/正文'
        "inject-middle:zhhsx-new-big-23",  # recall 0.524 < 0.97: 1 paragraphs lost, e.g. '男子持刀剑追砍民警，被开枪击伤后死亡 （来源：origina'
        "inject-nested:zhhsx-new-big-23",  # recall 0.524 < 0.97: 1 paragraphs lost, e.g. '男子持刀剑追砍民警，被开枪击伤后死亡 （来源：origina'
        "inject-scatter:zhhsx-new-big-23",  # recall 0.524 < 0.97: 1 paragraphs lost, e.g. '男子持刀剑追砍民警，被开枪击伤后死亡 （来源：origina'
        "redesign-inject:zhhsx-new-big-23",  # recall 0.524 < 0.97: 1 paragraphs lost, e.g. '男子持刀剑追砍民警，被开枪击伤后死亡 （来源：origina'
        "short-body:zhhsx-new-big-38",  # precision 0.888 < 0.95: 1 lines not in the gold, e.g. '专题 | 兰州防汛2019'
    }
)


def _case_id(case: tuple[str, str]) -> str:
    return f"{case[1]}:{case[0]}"


def test_pages_found() -> None:
    """Every repo fixture article is mutated; the shared real pages join when present."""
    assert sum(n.startswith("fx-") for n in NAMES) >= 7
    if not SHARED_PAGES.is_dir():
        pytest.skip("../shared/netease-pages is not present: fixtures only")
    assert len(NAMES) - sum(n.startswith("fx-") for n in NAMES) >= 30


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_generator_keeps_page_intact(case: tuple[str, str]) -> None:
    """The generator's fault, not the cleaner's: expected text and injected blocks are in the body."""
    problems = sanity(*case)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", NAMES)
def test_control_roundtrip(name: str) -> None:
    """The page re-serialised as UTF-8 by the generator, unmutated, still cleans to its gold."""
    result = evaluate_control(next(p for p in PAGES if p.name == name))
    assert result.ok, "\n".join(result.problems)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_unseen_page(case: tuple[str, str]) -> None:
    """Gold kept (recall, neighbours, genuine lines), nothing injected survives, precision high."""
    result = evaluate(mutated(*case))
    if _case_id(case) in KNOWN_GAPS:
        assert result.ok is False, "a known gap now passes: take it off KNOWN_GAPS"
        pytest.xfail(f"known gap: {result.problems[0]}")
    assert result.ok, f"{case[1]} on {case[0]} (blocks: {', '.join(result.kinds) or 'none'}):\n" + "\n".join(
        result.problems
    )


def test_known_gaps_are_real_cases() -> None:
    """The gap list names cases that exist (a renamed page or mutation must not hide a failure)."""
    if not SHARED_PAGES.is_dir():
        pytest.skip("the list names shared pages too")
    assert {_case_id(c) for c in CASES} >= KNOWN_GAPS


def test_every_block_kind_is_placed() -> None:
    """Each kind lands on pages many times, across the injecting mutations."""
    placed = {kind: 0 for kind in KINDS}
    for name, mutation in CASES:
        for block in mutated(name, mutation).blocks:
            placed[block.kind] += 1
    assert min(placed.values()) >= 5, placed


def test_invented_names_unknown_to_scraper() -> None:
    """No class/id the generator invents (blocks, wrappers, renames) occurs anywhere in scraper/.

    A cleaner that passes this suite by learning the generator's names has learned nothing.
    """
    source = "\n".join(p.read_text("utf-8") for p in SCRAPER.rglob("*.py"))
    names: set[str] = set()
    for name, mutation in CASES:
        names |= mutated(name, mutation).names
    assert len(names) > 500
    known = sorted(n for n in names if n in source)
    assert not known, f"scraper/ knows generated names: {known[:20]}"


def test_block_markup_varies() -> None:
    """The same kind rendered twice with different seeds gives different markup (not a template)."""
    import random

    page = PAGES[0]
    for kind in KINDS:
        htmls = set()
        for seed in range(6):
            rng = random.Random(seed)
            htmls.add(getattr(Kinds(rng, Markup(rng), page), kind)().html)
        assert len(htmls) == 6, kind
