"""first_element finds what css_first finds, on small nodes by walking and on large ones by CSS."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from scraper.clean.walk import WALK_BUDGET, first_element


@pytest.mark.parametrize(
    "inner",
    [
        "<p>text <b>bold</b> <img src=a.png></p>",
        "<p>text</p>",  # nothing to find
        "<img src=self.png>",  # the node itself counts, as in css_first
        "".join(f"<span>{i}</span>" for i in range(3 * WALK_BUDGET)) + "<strong>late</strong><img src=b.png>",
        "<!-- a comment --><figure><figcaption>cap</figcaption><b>x</b></figure>",
    ],
)
@pytest.mark.parametrize("tags", [("img",), ("b", "strong"), ("figcaption",), ("a",)])
def test_first_element_matches_css_first(inner: str, tags: tuple[str, ...]) -> None:
    tree = LexborHTMLParser(f"<html><body><div id='root'>{inner}</div></body></html>")
    root = tree.css_first("#root")
    assert root is not None
    for node in [root, *root.traverse(include_text=False)]:
        expected = node.css_first(", ".join(tags))
        found = first_element(node, *tags)
        assert (found is None) == (expected is None)
        if found is not None and expected is not None:
            assert found.mem_id == expected.mem_id
