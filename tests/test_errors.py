"""scraper.errors: one Reason enum for every failure code, the exception tree drawn from the classes, and
the README's reason tables and tree kept equal to both."""

from __future__ import annotations

import ast
import json
import pickle
import re
import textwrap
from collections import Counter
from pathlib import Path

from scraper import errors
from scraper.errors import HTTP_REASON, Reason, ScraperError, reason_tree

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")
_CODE = re.compile(r"`([a-z][a-z0-9_]*(?:<status>)?)`")


def test_members_are_the_plain_strings() -> None:
    assert Reason.EMPTY == "empty" and isinstance(Reason.EMPTY, str)
    assert str(Reason.NOT_AN_ARTICLE) == "not_an_article" == f"{Reason.NOT_AN_ARTICLE}"
    assert f"{Reason.EMPTY:>7}" == "  empty"
    assert json.dumps({"reason": Reason.BAD_URL}) == '{"reason": "bad_url"}'
    assert Counter(["empty", Reason.EMPTY])["empty"] == 2  # same hash as the string
    assert pickle.loads(pickle.dumps(Reason.TIMEOUT)) is Reason.TIMEOUT  # crosses to clean workers
    assert Reason.http(404) == "http_404"
    assert len({m.value for m in Reason}) == len(Reason)


def test_every_error_class_declares_its_default_reason() -> None:
    for cls in _error_classes():
        if cls is not ScraperError and "reason" in vars(cls):
            assert cls.reason in cls.reasons, cls
        for reason in cls.reasons:
            assert reason == HTTP_REASON or reason in set(Reason), (cls, reason)


def _error_classes() -> list[type[ScraperError]]:
    return [obj for obj in vars(errors).values() if isinstance(obj, type) and issubclass(obj, ScraperError)]


def _raised_reasons() -> list[tuple[str, str, str]]:
    """(class name, reason member, where) for every ``SomeError(..., reason=Reason.X)`` in scraper/."""
    found = []
    names = {cls.__name__ for cls in _error_classes()}
    for path in sorted((ROOT / "scraper").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            for kw in node.keywords:
                if kw.arg != "reason":
                    continue
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                assert not isinstance(kw.value, ast.Constant), (
                    f"a string literal reason at {where}: use Reason"
                )
                if name in names and isinstance(kw.value, ast.Attribute):
                    found.append((name, kw.value.attr, where))
    return found


def test_reasons_are_raised_only_by_the_classes_that_declare_them() -> None:
    raised = _raised_reasons()
    assert len(raised) > 50  # the scan sees the code
    for name, member, where in raised:
        assert Reason[member] in getattr(errors, name).reasons, f"{name}(reason=Reason.{member}) at {where}"


def test_no_reason_code_is_a_string_literal() -> None:
    codes = {m.value for m in Reason} - {"empty", "error", "timeout", "robots", "usage", "captcha"}
    for path in sorted((ROOT / "scraper").rglob("*.py")):
        if path.name == "errors.py":
            continue
        tree = ast.parse(path.read_text("utf-8"))
        literals = [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and n.value in codes]
        assert not literals, f"{path.relative_to(ROOT)}:{literals[0].lineno}: {literals[0].value!r}"


def test_the_docstring_tree_is_drawn_from_the_classes() -> None:
    assert textwrap.indent(reason_tree(), "    ") in (errors.__doc__ or "")
    assert reason_tree().splitlines()[0].startswith("ScraperError")
    assert len(reason_tree().splitlines()) == len(_error_classes())


def test_the_readme_tree_is_drawn_from_the_classes() -> None:
    assert f"```\n{reason_tree()}\n```" in README


def _readme_reason_tables() -> list[list[str]]:
    """The first-column cells of every README table whose first header is ``reason`` or ``skip reason``."""
    tables: list[list[str]] = []
    rows: list[str] | None = None
    for line in README.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else None
        if cells is None:
            rows = None
        elif rows is None:
            if cells[0] in ("reason", "skip reason"):
                rows = []
                tables.append(rows)
        elif not set(cells[0]) <= set("-: "):
            rows.append(cells[0])
    return tables


def test_the_readme_tables_document_exactly_the_reasons() -> None:
    tables = _readme_reason_tables()
    assert len(tables) >= 5  # clean, skips, discover, fetching, run-stopping
    documented = {code for table in tables for cell in table for code in _CODE.findall(cell)}
    members = {m.value for m in Reason} | {HTTP_REASON}
    assert documented - members == set(), "documented codes that are not Reason members"
    assert members - documented == set(), "Reason members that no README table documents"
