"""Finding an element inside a small node (a paragraph, a figure, a line) without a CSS query.

Every CSS query pays a fixed cost before it looks at a single node: the selector is parsed and the
selector engine set up, about 5-10 µs. A paragraph holds a handful of nodes, and walking them in
Python costs a fraction of that; a large node is handed to the CSS engine after a short walk.
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode

__all__ = ["first_element"]

WALK_BUDGET = 24  # nodes walked in Python before the rest of the search goes to a CSS query


def first_element(node: LexborNode, *tags: str) -> LexborNode | None:
    """The first element named one of ``tags`` in ``node``, in document order, ``node`` itself
    included: what ``node.css_first(", ".join(tags))`` returns, found by a short walk when it can be."""
    for walked, inner in enumerate(node.traverse(include_text=False)):
        if walked == WALK_BUDGET:
            return node.css_first(", ".join(tags))
        if inner.tag in tags:
            return inner
    return None
