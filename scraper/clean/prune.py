"""Structural boilerplate removal inside an article body, for every template and the template-free path.

Class names change with every redesign; what boilerplate *is* does not. A block is dropped when its
structure says it is not article text:

- a container that is mostly link text, or whose links mostly lead to *other* NetEase articles
  (a docid different from the page's own), or that opens with a list heading (相关推荐, 延伸阅读 ...);
- a run of two or more link lines (bare 「headline」 paragraphs, teaser cards), a list heading with the
  link lines after it, a single 「相关阅读：<headline>」 line, a lone link line to another article;
- link lines and link images before the first or after the last prose paragraph;
- nothing inside a block with neither text nor links (a picture holder): it is read as one line;
- a line whose text is NetEase chrome by a tolerant pattern (disclaimers, app/QR prompts, share
  bars, author cards, footers: see ``labels.py``).

Images go with the blocks that hold them. A real paragraph with an inline link is prose and stays.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from ..urls import ARTICLE_DOMAINS, docid_from_url, is_netease_url
from .common import PARAGRAPH_BREAKS
from .labels import (
    is_chrome_text,
    is_closed_section_heading,
    is_list_heading,
    is_separator,
    split_heading_prefix,
)
from .page import Page
from .walk import first_element

__all__ = ["in_teaser_list", "links_to_other_articles", "outermost", "prune_structure"]

# Elements that start a new block of text. Anything else (span, a, strong, font ...) is inline.
_BLOCKS = frozenset(
    {"p", "div", "section", "article", "aside", "nav", "header", "footer", "main", "blockquote", "pre",
     "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody",
     "tfoot", "tr", "td", "th", "caption", "figure", "figcaption", "center", "address", "details",
     "summary", "fieldset", "legend", "form", "menu", "hgroup"}
)  # fmt: skip
_SKIP = frozenset({"script", "style", "noscript", "template", "head", "title"})
_SENTENCE_MARKS = frozenset("，。！？；,!?;、：")
_SENTENCE_PUNCTUATION = re.compile("[，。！？；,;!?]")

LINK_DENSE = 0.5  # a container with at least this share of link text (and 2+ links) is a link list
LINK_LINE = 0.6  # a line with at least this share of link text is a link line
PROSE_MIN = 15  # characters of non-link text, with sentence punctuation, make a line prose
ARTICLE_LINKS_LIST = 3  # this many links to other articles make a teaser list ...
ARTICLE_LINKS_SHARE = 0.25  # ... when their text is at least this share of the block
BODY_SHARE_PROTECTED = 0.4  # a container with this share of the body's text is only pruned inside
WIDGET_BOX_MAX = 200  # characters: a poll or an author card is smaller, an article section is not
_WIDGET_SELECTOR = "input, select, textarea, button, label, a[href^='javascript'], a[href^='JavaScript']"
SHORT_LABEL = 12  # characters: a name or a label left in a card whose other lines were chrome
TEASER_HEADLINE_MIN = 8  # characters of the opening link of a teaser (a headline, not a name)
TEASER_LIST_DEPTH = 6  # levels above the main block searched for a list of cards
TEASER_MAX_CHARS = 500  # a card is smaller than this; an article body is not
TEASER_LIST_MIN = 3  # alike siblings that each link to an article make a list
HEADING_WINDOW = 40  # characters at the top of a container where its heading would be
_CLOSED_WORDS = re.compile("评论|跟贴|跟帖|留言|作者|投票|话题|标签|打分")
LINK_RUN_ALL = 3  # a run of this many link lines goes whole, wherever its links lead
SIGNATURE_MAX_LINES = 4  # a rule (------) then at most this many lines, none prose: a signature
ARTICLE_PROSE_MIN = 25  # characters of a link-free paragraph with two sentence marks: article text
_PARAGRAPHS = "p, li, dd, blockquote"
WALK_MAX_CHARS = 40  # a container with at most this much text is walked for its links, not queried


@dataclass(slots=True)
class _Stats:
    """What a block holds: visible characters, link characters, links, links to other articles, images."""

    chars: int
    link_chars: int
    links: int
    article_links: int
    images: int
    linked_images: int
    article_images: int
    # The block holds an element that ends or splits a paragraph or hides its text (<br>, a block,
    # a cell, <script> ...); unknown (True) for a container, which is counted with a CSS query.
    breaks: bool = True

    @property
    def link_share(self) -> float:
        return self.link_chars / self.chars if self.chars else 0.0


class _Judge:
    """The page's own docid and the helpers that read one block."""

    def __init__(self, own_docid: str | None) -> None:
        self.own_docid = own_docid

    def is_article_link(self, href: str | None) -> bool:
        """True when ``href`` leads to a NetEase article other than this page's own."""
        if not href or "html" not in href:
            return False
        href = href.strip()
        if href.startswith(("http://", "https://", "//")) and not is_netease_url(href, ARTICLE_DOMAINS):
            return False
        docid = docid_from_url(href)
        return docid is not None and docid != self.own_docid

    def stats(self, node: LexborNode, text: str | None = None, *, line: bool = False) -> _Stats:
        """Counts for ``node``; ``text`` is its text when the caller has it already (any separator;
        collapsed for a ``line``).

        ``line`` is for a node without block children: walking its few nodes costs less than a CSS
        query (about 2 µs, whatever the size), which costs less than walking a large container node
        by node. A container with little text is most often small too (a figure, a card).
        """
        if line and text is not None:
            chars = len(text) - text.count(" ")  # a line's text comes collapsed: one space between words
        else:
            chars = _visible_len(node.text(separator="") if text is None else text)
        breaks = False
        root = node.mem_id
        if line or chars <= WALK_MAX_CHARS:
            anchors, images = [], []
            walk = node.traverse(include_text=False)
            own_tag = next(walk).tag  # the walk starts at the node itself, which cannot break itself
            if own_tag == "a":
                anchors.append(node)
            elif own_tag == "img":
                images.append(node)
            for inner in walk:
                tag = inner.tag
                if tag == "a":
                    anchors.append(inner)
                elif tag == "img":
                    images.append(inner)
                elif tag is None or tag in PARAGRAPH_BREAKS:
                    breaks = True
            if not anchors and not images:
                return _Stats(chars, 0, 0, 0, 0, 0, 0, breaks)  # most lines: plain prose
        else:
            breaks = True  # not looked for: only lines are read whole by paragraphs_from
            found = node.css("a, img")  # one query for both (each query has a fixed cost of a few µs)
            anchors = [n for n in found if n.tag == "a"]
            images = [n for n in found if n.tag == "img"]
        link_chars = article_links = 0
        article_anchors: set[int] = set()
        for anchor in anchors:
            link_chars += _visible_len(anchor.text(separator=""))
            if self.is_article_link(anchor.attrs.get("href")):
                article_links += 1
                article_anchors.add(anchor.mem_id)
        linked = {a for a in (_enclosing_anchor(img, root) for img in images) if a is not None}
        return _Stats(
            chars,
            link_chars,
            len(anchors),
            article_links,
            len(images),
            len(linked),
            len(linked & article_anchors),
            breaks,
        )


def _enclosing_anchor(node: LexborNode, root: int) -> int | None:
    """``mem_id`` of the nearest ``<a>`` holding ``node`` (``root`` included, not above it)."""
    current: LexborNode | None = node.parent
    while current is not None:
        if current.tag == "a":
            return current.mem_id
        if current.mem_id == root:
            return None
        current = current.parent
    return None


def links_to_other_articles(page: Page, own_docid: str | None) -> int:
    """How many links on the whole page lead to other NetEase articles."""
    judge = _Judge(own_docid)
    return sum(judge.is_article_link(a.attrs.get("href")) for a in page.tree.css("a[href]"))


def in_teaser_list(node: LexborNode, own_docid: str | None) -> bool:
    """True when ``node`` sits in one card of a list of cards (3+ alike siblings, each linking to an article).

    A channel page's only prose is often the digest of its first item: the block that holds it is
    small, and it repeats next to itself, which an article body never does.
    """
    judge = _Judge(own_docid)
    current: LexborNode | None = node
    for _ in range(TEASER_LIST_DEPTH):
        if current is None or current.parent is None or current.tag in ("body", "html"):
            return False
        if _visible_len(current.text(separator="")) > TEASER_MAX_CHARS:
            return False
        shape = (current.tag, (current.attrs.get("class") or "").split()[:1])
        alike = [
            s
            for s in current.parent.iter(include_text=False)
            if (s.tag, (s.attributes.get("class") or "").split()[:1]) == shape
        ]
        linking = sum(
            1 for s in alike if any(judge.is_article_link(a.attrs.get("href")) for a in s.css("a[href]"))
        )
        if linking >= TEASER_LIST_MIN:
            return True
        current = current.parent
    return False


def outermost(nodes: list[LexborNode]) -> list[LexborNode]:
    """``nodes`` without those inside another of them: what to delete (or read) once, no freed node touched."""
    ids = {n.mem_id for n in nodes}
    out = []
    for node in nodes:
        parent = node.parent
        while parent is not None and parent.mem_id not in ids:
            parent = parent.parent
        if parent is None:
            out.append(node)
    return out


def _visible_len(text: str) -> int:
    return sum(map(len, text.split()))


def _has_block_child(node: LexborNode) -> bool:
    return any(child.tag in _BLOCKS for child in node.iter(include_text=False))


def prune_structure(bodies: Iterable[LexborNode], own_docid: str | None) -> set[int]:
    """Delete boilerplate blocks from the body nodes (in place), judged by structure.

    Returns the ``mem_id`` of the lines kept that hold nothing that breaks a paragraph, or no text
    at all (see ``paragraphs_from``'s ``whole``): their elements were walked here already.
    """
    judge = _Judge(own_docid)
    whole: set[int] = set()
    for body in bodies:
        body_chars = max(1, _visible_len(body.text(separator="")))
        _remove_widgets(body, body_chars)
        lines = list(_prune_containers(body, judge, body_chars))
        whole.update(_prune_lines(lines, judge, body.mem_id))
    return whole


def _remove_widgets(body: LexborNode, body_chars: int) -> None:
    """Delete interactive boxes: polls, follow buttons, forms. Articles hold no controls or script links.

    From each control, the box grows to the largest ancestor that is still small (a card, a poll),
    so the question, the counts and the button go together while the article around them stays.
    """
    boxes: dict[int, LexborNode] = {}
    for control in body.css(_WIDGET_SELECTOR):
        box, current = control, control.parent
        while current is not None and current.mem_id != body.mem_id and current.tag not in ("body", "html"):
            text = current.text(separator="")
            chars = _visible_len(text)
            if chars > WIDGET_BOX_MAX or chars >= BODY_SHARE_PROTECTED * body_chars:
                break
            if _sentences_beside(current, box):
                break  # the article's own text is next to the box: the box ends here
            box, current = current, current.parent
        boxes[box.mem_id] = box
    for box in outermost(list(boxes.values())):
        box.decompose()


def _prune_containers(body: LexborNode, judge: _Judge, body_chars: int) -> Iterator[LexborNode]:
    """Drop boilerplate containers top-down; yield the remaining lines (blocks without block children)."""
    stack = list(reversed(_without_teaser_items(body, judge)))
    while stack:
        child = stack.pop()
        node, tag = child.node, child.tag
        if tag in _SKIP:
            continue
        if tag in _BLOCKS and child.nested:
            text = node.text(separator="")
            if (not text or text.isspace()) and first_element(node, "a") is None:
                # A picture holder (figure > div > img): no text, no link, nothing in it to judge.
                # Its lines would all be empty lines; it is read as one.
                yield node
                continue
            if _is_boilerplate_container(node, judge, body_chars, text):
                node.decompose()
                continue
            stack.extend(reversed(_without_teaser_items(node, judge)))
        elif child.nested:
            stack.extend(reversed(_element_children(node)))  # <font>/<span> wrapping blocks
        elif tag in _BLOCKS or _stands_alone(node):
            yield node


@dataclass(slots=True)
class _Child:
    """An element child, with its tag and whether it holds a block (read once: both are C calls)."""

    node: LexborNode
    tag: str
    nested: bool


def _element_children(node: LexborNode) -> list[_Child]:
    children = []
    for child in node.iter(include_text=False):
        tag = child.tag
        if tag is not None and not tag.startswith("-"):
            children.append(_Child(child, tag, _has_block_child(child)))
    return children


def _without_teaser_items(node: LexborNode, judge: _Judge) -> list[_Child]:
    """The element children of ``node``, after deleting runs of teaser items (cards of other articles).

    A teaser item is a block child whose first text is a link to another article; two or more of
    them in a row with the same tag are a list of other articles, whatever their summaries say.
    """
    children = _element_children(node)
    teaser = [c.tag in _BLOCKS and c.nested and _is_teaser(c.node, judge) for c in children]
    doomed: set[int] = set()
    i = 0
    while i < len(children):
        j = i
        while j < len(children) and teaser[j] and children[j].tag == children[i].tag:
            j += 1
        if j - i >= 2:
            doomed.update(range(i, j))
        i = max(j, i + 1)
    for k in doomed:
        children[k].node.decompose()
    return [c for k, c in enumerate(children) if k not in doomed]


def _is_teaser(node: LexborNode, judge: _Judge) -> bool:
    first = first_element(node, "a")
    return first is not None and judge.is_article_link(first.attrs.get("href")) and _starts_with_link(node)


def _stands_alone(node: LexborNode) -> bool:
    """True for an inline element that is a line of its own (between blocks or ``<br>``), not part of one."""
    before, after = node.prev, node.next
    while before is not None and before.tag == "-comment":
        before = before.prev
    while after is not None and after.tag == "-comment":
        after = after.next
    for sibling in (before, after):
        if sibling is not None and sibling.tag == "-text" and (sibling.text_content or "").strip():
            return False
    return True


def _is_boilerplate_container(node: LexborNode, judge: _Judge, body_chars: int, text: str) -> bool:
    """True when the whole container (whose text is ``text``) goes; False to look inside it (its
    items and lines are judged there)."""
    protected = _visible_len(text) >= BODY_SHARE_PROTECTED * body_chars
    first = _first_line_text(node) if _CLOSED_WORDS.search(text[:HEADING_WINDOW]) else None
    if first is not None and is_closed_section_heading(first):
        # Comments, an author bio, a poll: their text is never the article's, prose or not.
        return not protected
    if protected or not _looks_like_boilerplate(node, judge, body_chars, text):
        return False  # much of the body's text is in it: it is only pruned inside
    # A real paragraph wrapped together with a list (a redesign's wrapper) must not go with it.
    return not _holds_article_prose(node)


def _sentences_beside(container: LexborNode, box: LexborNode) -> bool:
    """True when a paragraph of ``container`` outside ``box`` reads as article sentences."""
    for para in container.css(_PARAGRAPHS):
        inside = para.mem_id == box.mem_id
        walker = para.parent
        while not inside and walker is not None and walker.mem_id != container.mem_id:
            if walker.mem_id == box.mem_id:
                inside = True
                break
            walker = walker.parent
        if not inside and _reads_as_sentences(para.text(separator="")):
            return True
    return False


def _reads_as_sentences(text: str) -> bool:
    """True for text with the length and punctuation of article sentences (not labels or counters)."""
    if _visible_len(text) < ARTICLE_PROSE_MIN:
        return False
    first = _SENTENCE_PUNCTUATION.search(text)  # two marks make sentences: stop at the second
    return first is not None and _SENTENCE_PUNCTUATION.search(text, first.end()) is not None


def _holds_article_prose(node: LexborNode) -> bool:
    for para in node.css(_PARAGRAPHS):
        if first_element(para, "a") is not None:
            continue
        if _reads_as_sentences(para.text(separator="")):
            return True
    return False


def _looks_like_boilerplate(node: LexborNode, judge: _Judge, body_chars: int, text: str) -> bool:
    stats = judge.stats(node, text)
    if stats.chars == 0:
        # Image-only blocks: promo tiles when every image links to another article.
        return stats.images > 0 and stats.article_images == stats.images
    protected = stats.chars >= BODY_SHARE_PROTECTED * body_chars
    if stats.links >= 2 and stats.link_share >= LINK_DENSE and not protected:
        return True
    if protected:
        return False
    if stats.article_links >= ARTICLE_LINKS_LIST and stats.link_share >= ARTICLE_LINKS_SHARE:
        return True
    first = _first_line_text(node)
    if first is not None and is_list_heading(first):
        return stats.links > 0 or stats.images > 0 or _prose_lines(node) == 0
    return False


def _first_line_text(node: LexborNode) -> str | None:
    """Text of the first non-empty line inside ``node`` (the heading of a boxed list)."""
    stack = list(reversed(list(node.iter(include_text=True))))
    buffer: list[str] = []
    while stack:
        child = stack.pop()
        if child.tag == "-text":
            buffer.append(child.text_content or "")
            continue
        if child.tag in _SKIP or child.tag is None or child.tag.startswith("-"):
            continue
        if child.tag in _BLOCKS or child.tag == "br":
            if "".join(buffer).strip():
                break
            buffer.clear()
        stack.extend(reversed(list(child.iter(include_text=True))))
    text = " ".join("".join(buffer).split())
    return text or None


def _prose_lines(node: LexborNode) -> int:
    return sum(1 for p in node.css("p") if _is_prose_text(" ".join(p.text().split()), 0))


def _is_prose_text(text: str, link_chars: int) -> bool:
    return _visible_len(text) - link_chars >= PROSE_MIN and not _SENTENCE_MARKS.isdisjoint(text)


@dataclass(slots=True)
class _Line:
    node: LexborNode
    text: str
    stats: _Stats
    kind: str  # "empty", "chrome", "heading", "prefixed", "link", "prose", "other"


def _classify(node: LexborNode, judge: _Judge) -> _Line:
    text = " ".join(node.text(separator=" ").split())
    stats = judge.stats(node, text, line=True)
    if not text:
        kind = "empty"
    elif is_chrome_text(text):
        kind = "chrome"
    elif is_list_heading(text):
        kind = "heading"
    elif (
        stats.link_chars  # a prefix line is mostly its link (「相关阅读：<a>headline</a>」)
        and (rest := split_heading_prefix(text)) is not None
        and stats.link_chars * 2 >= _visible_len(rest)
    ):
        kind = "prefixed"
    elif stats.links and stats.link_share >= LINK_LINE:
        kind = "link"
    elif stats.article_links and _starts_with_link(node):
        kind = "teaser"  # 「<a>headline</a> summary…」: one item of a list of other articles
    elif stats.chars - stats.link_chars >= PROSE_MIN and not _SENTENCE_MARKS.isdisjoint(text):
        kind = "prose"  # _is_prose_text, with the characters already counted
    else:
        kind = "other"
    return _Line(node, text, stats, kind)


def _prune_lines(nodes: list[LexborNode], judge: _Judge, root_id: int) -> Iterator[int]:
    """Drop chrome lines, headed link runs, link runs and stray link lines (see the module docstring);
    yield the ``mem_id`` of the lines kept that hold no paragraph break."""
    lines = [_classify(node, judge) for node in nodes]
    prose = [i for i, line in enumerate(lines) if line.kind == "prose"]
    first_prose, last_prose = (prose[0], prose[-1]) if prose else (len(lines), -1)
    doomed: set[int] = set()
    for i, line in enumerate(lines):
        if i in doomed and line.kind in ("link", "teaser"):
            continue  # already inside a run found from an earlier line (runs are not walked twice)
        near_end = len(lines) - i - 1 <= SIGNATURE_MAX_LINES
        if line.kind == "chrome" and near_end and is_separator(line.text) and _signature_after(lines, i):
            doomed.update(range(i, len(lines)))
        if line.kind in ("chrome", "prefixed"):
            doomed.add(i)
        elif line.kind == "heading" and _heads_a_list(lines, i):
            doomed.add(i)
            doomed.update(_link_run(lines, i + 1, kinds=("link", "teaser")))
        elif line.kind == "link":
            run = _link_run(lines, i)
            outside = i < first_prose or i > last_prose
            if len(run) >= LINK_RUN_ALL or outside:
                doomed.update(run)
            else:  # a short run: only the lines that lead to other articles (a video title link stays)
                doomed.update(j for j in run if lines[j].stats.article_links or not lines[j].stats.chars)
        elif line.kind == "teaser":
            run = _link_run(lines, i, kinds=("link", "teaser"))
            if len(run) >= 2:
                doomed.update(run)
        elif line.kind == "empty" and line.stats.article_images:
            doomed.add(i)  # an image that links to another article is a promo tile
        elif line.kind == "other" and (i < first_prose or i > last_prose) and line.stats.article_links:
            doomed.add(i)
    _remove_lines([lines[i].node for i in sorted(doomed)], root_id)
    # A kept line may still go with an emptied holder above it (_remove_lines): its id then names
    # no node in the tree, and no node is made before the body is read, so none can take it.
    # A line without text reads as nothing however it is split: it is read whole too.
    return (
        line.node.mem_id
        for i, line in enumerate(lines)
        if i not in doomed and (not line.stats.breaks or not line.text)
    )


def _signature_after(lines: list[_Line], i: int) -> bool:
    tail = [line for line in lines[i + 1 :] if line.kind != "empty"]
    return 0 < len(tail) <= SIGNATURE_MAX_LINES and all(line.kind != "prose" for line in tail)


def _starts_with_link(node: LexborNode) -> bool:
    """True when ``node`` opens with a headline-long link (a teaser), not a linked name (「<a>国家统计局</a>发布…」)."""
    for child in node.traverse(include_text=True):
        if child.tag == "-text" and (child.text_content or "").strip():
            parent = child.parent
            while parent is not None and parent.mem_id != node.mem_id:
                if parent.tag == "a":
                    return _visible_len(parent.text(separator="")) >= TEASER_HEADLINE_MIN
                parent = parent.parent
            return False
    return False


def _heads_a_list(lines: list[_Line], i: int) -> bool:
    """A list heading is boilerplate unless real prose follows it (then it is a sub-heading)."""
    following = next((line for line in lines[i + 1 :] if line.kind not in ("empty", "chrome")), None)
    return (
        following is None
        or following.kind in ("link", "teaser", "heading", "prefixed")
        or following.stats.article_links > 0
    )


def _link_run(lines: list[_Line], start: int, kinds: tuple[str, ...] = ("link",)) -> list[int]:
    """Indices of the link lines from ``start`` on (empty lines inside the run included)."""
    run: list[int] = []
    for j in range(start, len(lines)):
        kind = lines[j].kind
        if kind in kinds or (kind == "empty" and lines[j].stats.linked_images):
            run.append(j)
        elif kind == "empty":
            continue
        else:
            break
    return run


def _remove_lines(nodes: list[LexborNode], root_id: int) -> None:
    """Delete the lines; then the blocks they leave holding nothing but images (a QR code box) or,
    when two or more of their lines went, nothing but a short label (an author card's name).

    Lines never nest (they have no block children), so deleting them in any order is safe; the
    emptied blocks are found first and deleted outermost-only, so no freed node is touched.
    """
    holders: dict[int, LexborNode] = {}
    lost: dict[int, int] = {}
    for node in nodes:
        parent = node.parent
        if parent is not None:
            holders[parent.mem_id] = parent
            lost[parent.mem_id] = lost.get(parent.mem_id, 0) + 1
    for node in nodes:
        node.decompose()
    emptied: dict[int, LexborNode] = {}
    for key, holder in holders.items():
        top = None
        current: LexborNode | None = holder
        while current is not None and current.mem_id != root_id and current.tag in _BLOCKS:
            text = current.text(separator="")
            label_left = current is holder and lost[key] >= 2 and _is_short_label(text)
            if not label_left and (_visible_len(text) or first_element(current, "img") is None):
                break
            top = current
            current = current.parent
        if top is not None:
            emptied[top.mem_id] = top
    for top in outermost(list(emptied.values())):
        top.decompose()


def _is_short_label(text: str) -> bool:
    return 0 < _visible_len(text) <= SHORT_LABEL and _SENTENCE_MARKS.isdisjoint(text)
