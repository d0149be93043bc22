"""The parsed page, built once and handed to every template."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = ["Page"]

_FACT_NODES = "meta[content], [data-docid]"  # the canonical link counts in <head> only
_HEAD_FACT_NODES = "meta[content], link[rel]"


@dataclass
class _PageFacts:
    meta: dict[str, str] = field(default_factory=dict)
    # "" once the first one was seen empty: the first one is the page's word, empty or not
    canonical_link: str | None = None
    docid_attribute: str | None = None


def _stripped(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def _is_canonical(rel: str | None) -> bool:
    return rel is not None and "canonical" in rel.lower().split()


def _read_facts(nodes: list[LexborNode]) -> _PageFacts:
    """The facts held by ``nodes`` (in document order): first ``<meta>`` per key, first canonical, first docid."""
    facts = _PageFacts()
    for node in nodes:
        attrs, tag = node.attributes, node.tag  # each read is a C call that builds a new object
        if tag == "meta" and (content := attrs.get("content")) is not None:
            key = attrs.get("name") or attrs.get("property") or attrs.get("itemprop")
            if key:
                facts.meta.setdefault(key.strip().lower(), content.strip())
        elif tag == "link" and facts.canonical_link is None and _is_canonical(attrs.get("rel")):
            facts.canonical_link = _stripped(attrs.get("href")) or ""
        if facts.docid_attribute is None and "data-docid" in attrs:
            facts.docid_attribute = _stripped(attrs.get("data-docid")) or ""
    return facts


@dataclass
class Page:
    """A page parsed once: the lexbor tree, ``<meta>`` values, JSON-LD, the raw text and URL."""

    html: str
    url: str | None = None
    tree: LexborHTMLParser = field(init=False)
    # The article's frame (pc-2014's ``.post_content``), set once the template is known: lookups look
    # there first. Each CSS query walks the tree up to its first match, and a NetEase article comes
    # after hundreds of navigation nodes; inside the frame, its fields are a few dozen nodes away.
    frame: LexborNode | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.tree = LexborHTMLParser(self.html)

    def root_attr(self, name: str) -> str | None:
        """Attribute ``name`` of ``<html>`` (``data-publishtime``, ``data-id`` ...), stripped; None if absent."""
        root = self.tree.root
        return _stripped(root.attrs.get(name)) if root is not None else None

    def css_first(self, selector: str) -> LexborNode | None:
        """First node matching ``selector``: the first in the frame when it holds one, else in the page."""
        if self.frame is not None and (node := self.frame.css_first(selector)) is not None:
            return node
        return self.tree.css_first(selector)

    def first_text(self, *selectors: str) -> str | None:
        """Collapsed text of the first node matching any of ``selectors`` (in order), if non-empty."""
        for selector in selectors:
            node = self.css_first(selector)
            if node is not None:
                text = " ".join(node.text(separator=" ").split())
                if text:
                    return text
        return None

    def attr(self, selector: str, name: str) -> str | None:
        """Attribute ``name`` of the first node matching ``selector``, stripped; None if absent/empty."""
        node = self.css_first(selector)
        return _stripped(node.attrs.get(name)) if node is not None else None

    @cached_property
    def _head_facts(self) -> _PageFacts:
        """The facts in ``<head>``: a walk of a few dozen nodes, where nearly every page keeps them all."""
        head = self.tree.head
        return _read_facts(head.css(_HEAD_FACT_NODES)) if head is not None else _PageFacts()

    @cached_property
    def _facts(self) -> _PageFacts:
        """The facts of the whole page, read in one walk of the tree, only when ``<head>`` lacks one asked for.

        That walk costs about 0.1-0.2 ms on a NetEase page; misplaced ``<meta>`` tags (in ``<body>``)
        are real, and ``data-docid`` sits on a ``<div>``. The head comes first in document order, so
        a value found there is also the first in the page: "first wins" holds either way.
        """
        return _read_facts(self.tree.css(_FACT_NODES))

    def meta_value(self, key: str, *, head_only: bool = False) -> str | None:
        """``content`` of the first ``<meta name|property|itemprop=key>`` (``key`` lower-case), stripped.

        ``head_only`` is for the page's address (``og:url``): like the canonical link, it is read
        from ``<head>`` only.
        """
        if (value := self._head_facts.meta.get(key)) is not None or head_only:
            return value
        return self._facts.meta.get(key)

    @property
    def meta(self) -> dict[str, str]:
        """Every ``<meta name|property|itemprop=... content=...>`` by lower-cased key (first wins)."""
        return self._facts.meta

    @property
    def canonical_link(self) -> str | None:
        """``href`` of the first ``<link rel="canonical">`` in ``<head>`` (read by the docid and the canonical URL).

        Search engines ignore a canonical link outside ``<head>``; so does this, which also spares
        pages without one (most pages before 2020) a walk of the whole tree.
        """
        return self._head_facts.canonical_link or None

    @property
    def docid_attribute(self) -> str | None:
        """``data-docid`` of the first element that has one, stripped (None when absent or empty)."""
        return self._facts.docid_attribute or None

    @cached_property
    def title_tag(self) -> str | None:
        """Text of ``<title>``."""
        node = self.tree.css_first("title")
        text = " ".join(node.text().split()) if node is not None else ""
        return text or None
