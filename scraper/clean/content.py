"""Find the article body of a page no template knows, from the text alone (no class or id names).

Every run of visible text outside links scores for the block that holds its paragraph: more for
sentence punctuation and length (readability's idea, counted in CJK punctuation). A paragraph's
score goes to its container, half of it to the container's parent, so the block that holds the most
prose wins; a block full of links is discounted by its link density. Blocks next to the winner that
score nearly as well (a second body part, a lead paragraph above it) are kept with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from .labels import is_original_title
from .page import Page

__all__ = ["MainContent", "find_main_content"]

_PARAGRAPH_TAGS = frozenset(
    {"p", "li", "dd", "dt", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "figcaption"}
)
_BLOCK_TAGS = frozenset(
    {"div", "section", "article", "main", "td", "th", "table", "tbody", "tr", "ul", "ol", "dl", "body",
     "center", "form", "aside", "header", "footer", "nav", "figure"}
) | _PARAGRAPH_TAGS  # fmt: skip
_SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "textarea", "select", "option", "title", "head"}
)
_PUNCTUATION = "，。！？；、,!?;"
MIN_TEXT = 8  # characters: shorter text runs (labels, counters) score nothing
NO_PUNCTUATION_SCORE = 0.2
MIN_SCORE = 3.0  # about one sentence: a short article still counts
SIBLING_SHARE = 0.3  # a sibling scoring this share of the winner is part of the body
CANDIDATES_CHECKED = 8
NEIGHBOUR_MAX_LINKS = 0.3  # siblings with more link text than this are never body parts
PROSE_NEIGHBOUR_MIN = 20  # characters of a sentence that make the block next to the body a part of it  # link density is measured only for the best-scoring few


@dataclass(frozen=True)
class MainContent:
    """The body node(s) in reading order, and the score of the best one."""

    nodes: tuple[LexborNode, ...]
    score: float


def _visible_len(text: str) -> int:
    return len("".join(text.split()))


def find_main_content(page: Page) -> MainContent | None:
    """The block(s) holding the page's prose, or None when the page has none worth the name."""
    root = page.tree.body or page.tree.root
    if root is None:
        return None
    scores: dict[int, float] = {}
    nodes: dict[int, LexborNode] = {}
    for node in root.traverse(include_text=True):
        if node.tag != "-text":
            continue
        text = node.text_content or ""
        length = _visible_len(text)
        if length < MIN_TEXT:
            continue
        block = _paragraph_block(node)
        if block is None:
            continue
        container = block.parent if block.tag in _PARAGRAPH_TAGS and block.parent is not None else block
        marks = sum(text.count(c) for c in _PUNCTUATION)
        # Labels, counters and headlines have no sentence punctuation: they barely count.
        score = 1.0 + marks + min(length / 50.0, 4.0) if marks else NO_PUNCTUATION_SCORE
        if container.tag in _SKIP_TAGS:
            continue
        _add(scores, nodes, container, score)
        if container.parent is not None and container.parent.tag not in _SKIP_TAGS:
            _add(scores, nodes, container.parent, score / 2)
    if not scores:
        return None
    ranked = sorted(scores, key=scores.__getitem__, reverse=True)[:CANDIDATES_CHECKED]
    adjusted = {key: scores[key] * (1.0 - _link_density(nodes[key])) for key in ranked}
    best_key = max(adjusted, key=adjusted.__getitem__)
    best_score = adjusted[best_key]
    if best_score < MIN_SCORE:
        return None
    best = nodes[best_key]
    digest = "".join((page.meta_value("description") or "").split())
    return MainContent(tuple(_with_siblings(best, best_score, scores, nodes, digest)), best_score)


def _paragraph_block(text_node: LexborNode) -> LexborNode | None:
    """The nearest block ancestor of a text node; None inside links, scripts and form controls."""
    node = text_node.parent
    while node is not None:
        tag = node.tag
        if tag == "a" or tag in _SKIP_TAGS:
            return None
        if tag in _BLOCK_TAGS:
            return node
        node = node.parent
    return None


def _add(scores: dict[int, float], nodes: dict[int, LexborNode], node: LexborNode, score: float) -> None:
    key = node.mem_id
    scores[key] = scores.get(key, 0.0) + score
    nodes.setdefault(key, node)


def _link_density(node: LexborNode) -> float:
    total = _visible_len(node.text(separator=""))
    if not total:
        return 1.0
    linked = sum(_visible_len(a.text(separator="")) for a in node.css("a"))
    return min(1.0, linked / total)


def _with_siblings(
    best: LexborNode,
    best_score: float,
    scores: dict[int, float],
    nodes: dict[int, LexborNode],
    digest: str,
) -> list[LexborNode]:
    """``best`` and the sibling blocks that are body parts too, in document order.

    A sibling is a body part when it scores like one, or when it is the next block with text before
    or after ``best`` and reads as prose (a closing note, a lead paragraph in its own box) and is
    not the page's digest (``<meta name=description>``, shown as a summary above some bodies).
    """
    parent = best.parent
    if parent is None:
        return [best]
    siblings = [s for s in parent.iter(include_text=False) if s.tag not in _SKIP_TAGS]
    index = next((i for i, s in enumerate(siblings) if s.mem_id == best.mem_id), None)
    if index is None:
        return [best]
    neighbours = {
        n.mem_id
        for n in (_next_with_text(siblings[index + 1 :]), _next_with_text(siblings[:index][::-1]))
        if n is not None
    }
    out: list[LexborNode] = []
    for sibling in siblings:
        key = sibling.mem_id
        if key == best.mem_id:
            out.append(best)
        elif _link_density(sibling) >= NEIGHBOUR_MAX_LINKS:
            continue
        elif _is_body_part(
            sibling, scores.get(key, 0.0) >= SIBLING_SHARE * best_score, key in neighbours, digest
        ):
            out.append(sibling)
    return out


def _is_body_part(node: LexborNode, scores_like_body: bool, is_neighbour: bool, digest: str) -> bool:
    return scores_like_body or (is_neighbour and _is_prose(node) and not _is_digest(node, digest))


def _is_digest(node: LexborNode, digest: str) -> bool:
    text = "".join(node.text(separator="").split())
    return bool(digest) and len(text) >= 10 and (text[:40] in digest or digest[:40] in text)


def _next_with_text(candidates: list[LexborNode]) -> LexborNode | None:
    return next((n for n in candidates if _visible_len(n.text(separator=""))), None)


def _is_prose(node: LexborNode) -> bool:
    text = node.text(separator="")
    if is_original_title(text):
        return True
    return _visible_len(text) >= PROSE_NEIGHBOUR_MIN and ("。" in text or "！" in text or "？" in text)
