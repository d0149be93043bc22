"""``paragraphs_from`` reads the lines ``prune_structure`` kept whole (one ``text()`` call) only when
nothing in them breaks a paragraph: the paragraphs must be the ones the node-by-node walk gives.

The bodies are generated: lines of text mixed with inline markup, ``<br>``, cells, scripts, nested
blocks, comments and newlines, so every kind of paragraph break turns up inside some line.
"""

from __future__ import annotations

import random

import pytest
from selectolax.lexbor import LexborHTMLParser

from scraper.clean.common import paragraphs_from
from scraper.clean.prune import prune_structure

WORDS = ["北京", "记者", "今天", "表示，", "这是一段正文。", "数据显示", "12%", "Ａ股", "市场", "然而"]
INLINE = ["<b>{}</b>", "<span>{}</span>", "<em>{}</em>", "<a href='https://example.org/x'>{}</a>", "{}"]
BREAKERS = [
    "<br>", "<br/>", "<script>var x='{}';</script>", "<style>p{{}}</style>", "<span><div>{}</div></span>",
    "<td>{}</td>", "<!-- {} -->", "\n", "<font><p>{}</p></font>", "<noscript>{}</noscript>",
]  # fmt: skip
# Lines without text (picture holders, spacers): read whole whatever they hold.
TEXT_FREE = [
    "<figure><div><img src='https://img.example.com/a.jpg'></div></figure>", "<p>&nbsp;<br>\u3000</p>",
    "<div> <br> <img src='https://img.example.com/b.jpg'> </div>", "<div><div>\n</div><p> </p></div>",
]  # fmt: skip


def generated_body(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(3, 12)):
        parts = []
        for _ in range(rng.randint(1, 6)):
            text = "".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
            piece = rng.choice(BREAKERS if rng.random() < 0.2 else INLINE)
            parts.append(piece.format(text) if "{}" in piece else piece)
        if rng.random() < 0.15:
            lines.append(rng.choice(TEXT_FREE))
            continue
        lines.append(f"<{rng.choice(['p', 'div', 'li', 'h3'])}>{''.join(parts)}</p>")
    return "<html><body><div id='body'>" + "".join(lines) + "</div></body></html>"


def paragraphs(html: str, *, newline_breaks: bool, use_whole: bool) -> list[str]:
    body = LexborHTMLParser(html).css_first("#body")
    assert body is not None
    whole = prune_structure([body], None)
    return paragraphs_from([body], newline_breaks=newline_breaks, whole=whole if use_whole else frozenset())


@pytest.mark.parametrize("newline_breaks", [False, True])
def test_lines_read_whole_give_the_walks_paragraphs(newline_breaks: bool) -> None:
    rng = random.Random(7)
    read_whole = 0
    for _ in range(400):
        html = generated_body(rng)
        fast = paragraphs(html, newline_breaks=newline_breaks, use_whole=True)
        walked = paragraphs(html, newline_breaks=newline_breaks, use_whole=False)
        assert fast == walked, html
        body = LexborHTMLParser(html).css_first("#body")
        assert body is not None
        read_whole += len(prune_structure([body], None))
    assert read_whole > 1000  # the fast path ran on most lines, not on none


def test_a_line_with_a_break_is_not_read_whole() -> None:
    body = LexborHTMLParser("<div id=b><p>第一行<br>第二行</p><p>第三<b>行</b></p></div>").css_first("#b")
    assert body is not None
    whole = prune_structure([body], None)
    assert [p.text() for p in body.css("p") if p.mem_id in whole] == ["第三行"]
    assert paragraphs_from([body], whole=whole) == ["第一行", "第二行", "第三行"]
