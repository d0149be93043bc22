"""The parsed page, built once and handed to every template."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = ["Page"]


@dataclass
class Page:
    """A page parsed once: the lexbor tree, ``<meta>`` values, JSON-LD, the raw text and URL."""

    html: str
    url: str | None = None
    tree: LexborHTMLParser = field(init=False)

    def __post_init__(self) -> None:
        self.tree = LexborHTMLParser(self.html)

    def mentions(self, *words: str) -> bool:
        """True when any of ``words`` occurs in the raw HTML.

        A substring test costs microseconds where a CSS query walks the whole tree, so templates
        check for their class names this way before asking for nodes.
        """
        return any(word in self.html for word in words)

    def root_attr(self, name: str) -> str | None:
        """Attribute ``name`` of ``<html>`` (``data-publishtime``, ``data-id`` ...), stripped; None if absent."""
        root = self.tree.root
        value = root.attributes.get(name) if root is not None else None
        return value.strip() if value and value.strip() else None

    def css_first(self, selector: str) -> LexborNode | None:
        """First node matching ``selector`` anywhere in the page."""
        return self.tree.css_first(selector)

    def first_text(self, *selectors: str) -> str | None:
        """Collapsed text of the first node matching any of ``selectors`` (in order), if non-empty."""
        for selector in selectors:
            node = self.tree.css_first(selector)
            if node is not None:
                text = " ".join(node.text(separator=" ").split())
                if text:
                    return text
        return None

    def attr(self, selector: str, name: str) -> str | None:
        """Attribute ``name`` of the first node matching ``selector``, stripped; None if absent/empty."""
        node = self.tree.css_first(selector)
        if node is None:
            return None
        value = node.attributes.get(name)
        return value.strip() if value and value.strip() else None

    @cached_property
    def meta(self) -> dict[str, str]:
        """``<meta name|property|itemprop=... content=...>`` by lower-cased key (first wins)."""
        out: dict[str, str] = {}
        for node in self.tree.css("meta[content]"):
            attrs = node.attributes
            key = attrs.get("name") or attrs.get("property") or attrs.get("itemprop")
            content = attrs.get("content")
            if key and content is not None:
                out.setdefault(key.strip().lower(), content.strip())
        return out

    @cached_property
    def json_ld(self) -> list[dict[str, Any]]:
        """Every JSON-LD object of the page (invalid blocks are ignored)."""
        out: list[dict[str, Any]] = []
        for node in self.tree.css('script[type="application/ld+json"]'):
            try:
                data = json.loads(node.text() or "")
            except ValueError:
                continue
            items = data if isinstance(data, list) else [data]
            out.extend(item for item in items if isinstance(item, dict))
        return out

    @cached_property
    def title_tag(self) -> str | None:
        """Text of ``<title>``."""
        node = self.tree.css_first("title")
        text = " ".join(node.text().split()) if node is not None else ""
        return text or None
