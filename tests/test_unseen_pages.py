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
    assert result.ok, f"{case[1]} on {case[0]} (blocks: {', '.join(result.kinds) or 'none'}):\n" + "\n".join(
        result.problems
    )


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
