"""Unseen-page generator: real NetEase pages mutated the way the next redesign will mutate them.

Every article page we have a hand-checked expectation for (``fixtures/*/*.json`` articles and
``../shared/netease-pages/*.gold.json`` with ``kind == "article"``) is turned into new pages:

* **inject-*:** boilerplate blocks of many kinds (related lists, bare link runs, a single 相关阅读
  line, promo image grids, app/QR prompts, reworded 特别声明, share bars, author cards, comment
  counts, ads, 返回首页 lines, footers, 专题 boxes, rankings, breadcrumbs, next-article lines) are
  inserted *inside the body*, before the first paragraph, in the middle, after the last, nested
  in a wrapper next to a real paragraph, or scattered. Every block is rendered with random markup
  (div/section/aside/ul/ol/dl/table/bare ``<p>`` runs, 0-2 wrappers, invented class names such as
  ``drovel-k3x``, random inline styles, random heading tags and decorations) and invented Chinese
  wording, so nothing in ``scraper/`` can know it.
* **rename-all / rename-body:** every ``class`` and ``id`` value (whole page, or only inside the
  body) is rewritten to a consistent random token: a redesign.
* **redesign-inject:** rename-all plus scattered blocks.
* **short-body:** the body cut to its first few paragraphs, followed by boilerplate blocks.
* **genuine:** real-looking body text that must be *kept*: long prose with an inline link to
  another NetEase article, a short list of points, sentences that begin with 相关 or mention 扫码.

The body is located without the cleaner: the smallest element whose text contains the most gold
paragraphs; insertion slots are the outermost block-safe elements inside it that hold a gold
paragraph. Mutated pages are serialised as UTF-8 (charset declarations rewritten), and
``generator_problems`` re-parses every mutated page to prove the generator did not break it (all
expected paragraphs and every injected probe still on the page, blocks inside the body).

Script mode, for working on the cleaner::

    python tests/page_mutations.py --report            # pass rates per mutation and block kind
    python tests/page_mutations.py --report --leaks 40 # ... and the first 40 leaked strings
    python tests/page_mutations.py --dump gne-163-1 inject-middle > /tmp/m.html

The thresholds used by :func:`evaluate` are documented on :data:`MIN_RECALL` and friends.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import quote

from selectolax.lexbor import LexborHTMLParser, LexborNode

REPO = Path(__file__).resolve().parents[1]
SHARED_PAGES = REPO / ".." / "shared" / "netease-pages"
FIXTURES = REPO / "fixtures"
SEED = 7_2025_1110

# --- thresholds ---------------------------------------------------------------------------------
MIN_RECALL = 0.97
"""Bigram recall of the expected paragraphs. The unmutated pages already reach body F1 >= 0.98
(``test_real_pages``) and the fixtures match exactly; a mutation adds or renames markup and removes
no article text, so recall should not move. 0.03 is room for one doubtful short line (a caption,
a byline) on a mid-sized page, not for a lost paragraph next to an injected block: that is checked
separately and exactly (:data:`neighbours must survive <evaluate>`)."""
MIN_PRECISION = 0.95
"""Bigram precision against the expected paragraphs. Injected blocks are already checked string by
string (zero tolerance); this catches the page's *own* boilerplate (sidebars, recommends, footer)
coming back once the class names it was removed by are gone (rename mutations). 5% is a caption
or credit line, not a related-article list."""
PROBE_MIN = 6
"""Injected strings shorter than this are not probed on their own (they are caught by the new-line
check instead: any output line the unmutated page did not produce that is injected text)."""

WS = re.compile(r"\s+")


def squash(text: str) -> str:
    """Text with every whitespace character removed (str.split knows U+3000 and nbsp)."""
    return "".join(text.split())


def bigrams(text: str) -> Counter[str]:
    """Character bigrams of every line on its own (whitespace removed), summed.

    Per line, unlike ``tests/scoring.py``: a block injected between two paragraphs must not cost
    recall through the one bigram that spans the paragraph boundary.
    """
    out: Counter[str] = Counter()
    for line in text.split("\n"):
        s = squash(line)
        out.update(s[i : i + 2] for i in range(len(s) - 1))
    return out


def recall_precision(got: str, want: str) -> tuple[float, float]:
    g, w = bigrams(got), bigrams(want)
    overlap = sum((g & w).values())
    recall = overlap / sum(w.values()) if w else 1.0
    precision = overlap / sum(g.values()) if g else (1.0 if not w else 0.0)
    return recall, precision


# --- source pages -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourcePage:
    name: str
    html: str
    url: str | None
    paragraphs: tuple[str, ...]
    must_not: tuple[str, ...]
    docid: str | None


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


@cache
def load_pages() -> tuple[SourcePage, ...]:
    """Every article page with an expectation: repo fixtures first, then the shared real pages."""
    pages = []
    for json_path in sorted(FIXTURES.rglob("*.json")):
        expect = json.loads(json_path.read_text("utf-8"))
        if expect.get("expect") != "article":
            continue
        page = json_path.with_suffix(".html")
        if any("\ufffd" in p for p in expect["paragraphs"]) or "\ufffd" in _decode(page.read_bytes()):
            continue  # mixed-encoding pages (fixtures/nasty/mixed-*) test decoding, not pruning
        pages.append(
            SourcePage(
                name=f"fx-{json_path.parent.name}-{json_path.stem}",
                html=_decode(page.read_bytes()),
                url=expect.get("url"),
                paragraphs=tuple(expect["paragraphs"]),
                must_not=tuple(expect.get("must_not", ())),
                docid=expect.get("fields", {}).get("docid"),
            )
        )
    if SHARED_PAGES.is_dir():
        for gold_path in sorted(SHARED_PAGES.glob("*.gold.json")):
            gold = json.loads(gold_path.read_text("utf-8"))
            if gold.get("kind") != "article":
                continue
            pages.append(
                SourcePage(
                    name=gold_path.name.removesuffix(".gold.json"),
                    html=_decode((SHARED_PAGES / gold["page"]).read_bytes()),
                    url=gold.get("url"),
                    paragraphs=tuple(gold["paragraphs"]),
                    must_not=tuple(gold.get("must_not", ())),
                    docid=gold.get("docid"),
                )
            )
    return tuple(pages)


def page_by_name(name: str) -> SourcePage:
    for page in load_pages():
        if page.name == name:
            return page
    raise KeyError(name)


# --- locating the body without the cleaner ------------------------------------------------------

SKIP_TAGS = frozenset({"script", "style", "textarea", "noscript", "template", "title", "head", "-comment"})
# An element whose parent is one of these may get a block inserted next to it; other parents
# (p, a, h*, ul/ol/dl, table parts, select, button) would be re-parsed into something else.
SAFE_PARENTS = frozenset(
    {
        "div",
        "section",
        "article",
        "main",
        "body",
        "blockquote",
        "td",
        "th",
        "center",
        "form",
        "figure",
        "aside",
        "header",
        "footer",
        "text",
        "font",
        "span",
        "nav",
        "li",
        "dd",
    }
)


def _elements(node: LexborNode) -> list[LexborNode]:
    return [c for c in node.iter(include_text=False) if c.tag not in SKIP_TAGS and c.tag != "-text"]


def _path(node: LexborNode) -> tuple[int, ...]:
    path = []
    while node.parent is not None and node.tag != "html":
        parent = node.parent
        kids = [c for c in parent.iter(include_text=False)]
        path.append(next(i for i, c in enumerate(kids) if c.mem_id == node.mem_id))
        node = parent
    return tuple(reversed(path))


def _at(tree: LexborHTMLParser, path: tuple[int, ...]) -> LexborNode:
    node = tree.root
    for i in path:
        node = list(node.iter(include_text=False))[i]
    return node


@dataclass(frozen=True)
class BodyMap:
    body: tuple[int, ...]  # path of the body element
    slots: tuple[tuple[int, ...], ...]  # paths of insertion slots, document order
    slot_gold: tuple[tuple[int, ...], ...]  # gold paragraph indices held by each slot
    body_len: int  # squashed text length of the body element


def _text(node: LexborNode) -> str:
    return squash(node.text(deep=True))


@cache
def locate(page_name: str) -> BodyMap:
    """Body element and insertion slots of a page, found from its gold paragraphs alone."""
    page = page_by_name(page_name)
    tree = LexborHTMLParser(page.html)
    gold = [squash(p) for p in page.paragraphs]
    distinct = sorted({g for g in gold if g})
    candidates = [n for n in tree.root.traverse(include_text=False) if n.tag not in SKIP_TAGS]
    root_text = _text(tree.root)
    present = [g for g in distinct if g in root_text]
    need = sum(len(g) for g in present)
    best: tuple[int, int, LexborNode] | None = None
    for node in candidates:
        text = _text(node)
        if len(text) < need * 0.5:
            continue
        count = sum(g in text for g in present)
        key = (-count, len(text))
        if best is None or key < best[:2]:
            best = (key[0], key[1], node)
    assert best is not None
    body = best[2]

    def minimal(node: LexborNode, g: str, out: list[LexborNode]) -> None:
        kids = [c for c in _elements(node) if g in _text(c)]
        if not kids:
            out.append(node)
        for kid in kids:
            minimal(kid, g, out)

    anchors: dict[int, LexborNode] = {}
    for g in present:
        if g in _text(body):
            found: list[LexborNode] = []
            minimal(body, g, found)
            for node in found:
                anchors[node.mem_id] = node

    def climb(node: LexborNode) -> LexborNode:
        while node.mem_id != body.mem_id and node.parent is not None and node.parent.tag not in SAFE_PARENTS:
            node = node.parent
        return node

    order = {n.mem_id: i for i, n in enumerate(body.traverse(include_text=False))}
    slots: dict[int, LexborNode] = {}
    for node in anchors.values():
        slot = climb(node)
        slots[slot.mem_id] = slot
    # keep the outermost slots only (disjoint), in document order
    ids = set(slots)
    outer = []
    for slot in slots.values():
        p, nested = slot.parent, False
        while p is not None and p.mem_id != body.mem_id:
            if p.mem_id in ids:
                nested = True
                break
            p = p.parent
        if not nested:
            outer.append(slot)
    outer.sort(key=lambda n: order.get(n.mem_id, 0))
    if len(outer) < 3:
        # legacy pages: the whole body is one cell/div of <br>-separated text; its <br>s are the slots
        for node in anchors.values():
            brs = [c for c in node.iter(include_text=False) if c.tag == "br"]
            if node.tag in SAFE_PARENTS and len(brs) >= 3:
                outer = brs
                break
    # each gold paragraph belongs to one slot: in reading order, each occurrence used once (pages
    # repeat a paragraph, or hold a 摘要 that contains the first paragraph)
    remaining = [_text(slot) for slot in outer]
    owned: list[list[int]] = [[] for _ in outer]
    ptr = 0
    for i, g in enumerate(gold):
        if not g:
            continue
        order_k = list(range(ptr, len(outer))) + list(range(ptr))
        for k in order_k:
            if g in remaining[k]:
                remaining[k] = remaining[k].replace(g, "\x00", 1)
                owned[k].append(i)
                ptr = k
                break
    slot_gold = [tuple(o) for o in owned]
    return BodyMap(_path(body), tuple(_path(s) for s in outer), tuple(slot_gold), len(_text(body)))


# --- invented names, markup and wording -----------------------------------------------------

SYLLABLES = (
    "zo", "qua", "mik", "vel", "tor", "bri", "nax", "lum", "sef", "dro", "kib", "yun", "pav",
    "ghe", "rul", "wen", "fop", "jix", "hov", "zel", "quo", "bix", "mur", "tiv", "gal", "sno",
)  # fmt: skip
ALNUM = "abcdefghijkmnpqrstuvwxyz23456789"


def invent_name(rng: random.Random) -> str:
    """A class/id token in one of several house styles, built from syllables no selector knows."""

    def syl(n: int) -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(n))

    def aln(n: int) -> str:
        return "".join(rng.choice(ALNUM) for _ in range(n))

    style = rng.randrange(6)
    if style == 0:
        return f"{syl(2)}-{aln(3)}"
    if style == 1:
        return f"{rng.choice('bcdfghjkmnpqrstvwxz')}{aln(1)}_{syl(1)}{rng.randrange(10, 99)}"
    if style == 2:
        return f"c{rng.getrandbits(24):06x}"
    if style == 3:
        return f"{syl(2)}__{syl(1)}"
    if style == 4:
        return f"{syl(1)}-{syl(2)}--{aln(2)}"
    return f"_{aln(6)}"


STYLES = (
    "margin:12px 0",
    "font-size:14px;color:#666",
    "padding:8px 0;border-top:1px solid #eee",
    "text-align:center",
    "overflow:hidden;zoom:1",
    "line-height:24px",
    "margin:20px auto;width:100%",
    "background:#f7f7f7;padding:10px 14px",
    "font-size:13px;color:#999;margin-top:16px",
)


class Markup:
    """Random attributes for one page's injected blocks (invented names are recorded)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names: set[str] = set()

    def name(self) -> str:
        n = invent_name(self.rng)
        self.names.add(n)
        return n

    def attrs(self, p_class: float = 0.7) -> str:
        rng = self.rng
        out = []
        if rng.random() < p_class:
            out.append(f'class="{" ".join(self.name() for _ in range(rng.choice((1, 1, 1, 2, 3))))}"')
        if rng.random() < 0.15:
            out.append(f'id="{self.name()}"')
        if rng.random() < 0.3:
            out.append(f'style="{rng.choice(STYLES)}"')
        if rng.random() < 0.15:
            out.append(f'data-{rng.choice(SYLLABLES)}{rng.choice(SYLLABLES)}="{rng.randrange(1, 999)}"')
        return (" " + " ".join(out)) if out else ""

    def wrap(self, html: str, max_depth: int = 2) -> str:
        for _ in range(self.rng.randrange(max_depth + 1)):
            tag = self.rng.choice(("div", "div", "div", "section", "aside"))
            html = f"<{tag}{self.attrs(0.9)}>{html}</{tag}>"
        return html

    def link(self, href: str, text: str) -> str:
        extra = ""
        if self.rng.random() < 0.4:
            extra += ' target="_blank"'
        if self.rng.random() < 0.2:
            extra += f' title="{text}"'
        return f'<a href="{href}"{extra}{self.attrs(0.4)}>{text}</a>'


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶贺顾毛郝龚邵万钱严武戴莫孔汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞宇浩然欣怡子涵梓轩思远佳琪晨曦俊博文昊雨彤嘉豪一鸣志远"
PLACES = (
    "杭州", "成都", "青岛", "昆明", "兰州", "佛山", "合肥", "南宁", "洛阳", "厦门", "西宁", "大连",
    "扬州", "贵阳", "无锡", "襄阳", "珠海", "潍坊", "柳州", "赣州", "绍兴", "泉州", "包头", "遵义",
)  # fmt: skip
PEOPLE = (
    "一名外卖骑手", "两位退休教师", "90后女孩", "高三学生", "社区医生", "快递小哥", "老农", "外籍游客",
    "女博士", "环卫工人", "大学生", "网约车司机", "00后店主", "退伍老兵", "乡村教师",
)  # fmt: skip
ACTS = (
    "街头救下落水儿童", "捡到装有现金的钱包", "直播卖货月入过万", "坚持义诊二十年", "手绘整条老街",
    "徒步走完川藏线", "把老房改成民宿", "放弃高薪回乡种茶", "十年攒下一屋子老物件",
)  # fmt: skip
REACTIONS = ("网友：太暖了", "网友吵翻了", "评论区炸了", "官方回应", "当事人发声", "背后原因曝光", "结局反转")
ORGS = (
    "央行",
    "证监会",
    "国家统计局",
    "工信部",
    "市场监管总局",
    "多家银行",
    "当地文旅局",
    "两大运营商",
    "多所高校",
)
TOPICS = (
    "个人养老金",
    "新能源车购置税",
    "网络直播打赏",
    "预制菜标识",
    "电动自行车充电",
    "校外培训",
    "二手房交易",
)
BRANDS = ("星曜", "极弧", "澜图", "青禾", "曜石", "云栈", "凌度", "拓界")
PRODUCTS = ("折叠屏手机", "智能手表", "电动SUV", "扫地机器人", "降噪耳机", "轻薄本", "空气炸锅")
TEAMS = ("辽宁", "广东", "浙江", "北京", "上海", "山东", "新疆", "四川")
SPORTS = ("女子200米蝶泳", "男子10米气步枪", "女子跳马", "男子马拉松", "混合团体乒乓球", "女子铅球")
SECTORS = ("半导体", "光伏", "券商", "白酒", "医药", "机器人", "军工", "储能")
CHANNELS = ("新闻", "财经", "科技", "体育", "娱乐", "汽车", "健康", "教育", "旅游", "军事")
CHAN_SLUGS = ("news", "money", "tech", "sports", "ent", "auto", "jiankang", "edu", "travel", "war")


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def headline(rng: random.Random) -> str:
    """An invented headline; numbers make each one unique in practice (checked per page)."""
    n = rng.randrange(2, 99)
    forms: list[Callable[[], str]] = [
        lambda: f"{rng.choice(PLACES)}{rng.choice(PEOPLE)}{rng.choice(ACTS)}，{rng.choice(REACTIONS)}",
        lambda: (
            f"{rng.choice(ORGS)}发布{rng.choice(TOPICS)}新规，{rng.randrange(1, 13)}月{rng.randrange(1, 29)}日起施行"
        ),
        lambda: (
            f"{rng.choice(TEAMS)}{rng.randrange(80, 130)}比{rng.randrange(70, 120)}胜{rng.choice(TEAMS)}，{person_name(rng)}砍下{rng.randrange(20, 45)}分"
        ),
        lambda: (
            f"A股三大指数收涨{rng.randrange(1, 3)}.{rng.randrange(10, 99)}%，{rng.choice(SECTORS)}板块领涨"
        ),
        lambda: (
            f"{rng.choice(SECTORS)}龙头{rng.randrange(600000, 689999)}，{rng.choice(('连续', '盘中'))}{n}个涨停板！"
        ),
        lambda: (
            f"{rng.choice(PLACES)}一{rng.choice(('商场', '工地', '高架桥', '小区'))}突发险情，{n}人被紧急转移"
        ),
        lambda: (
            f"{rng.choice(BRANDS)}{rng.choice(PRODUCTS)}发布：售价{rng.randrange(1, 30)}{rng.choice(('999', '499', '299'))}元起"
        ),
        lambda: (
            f"实探{rng.choice(PLACES)}{rng.choice(('菜市场', '夜市', '汽车城', '楼盘'))}：{rng.choice(('人气回来了', '价格跌了三成', '排队一小时'))}"
        ),
        lambda: f"{n}岁{rng.choice(PEOPLE)}{rng.choice(ACTS)}，背后原因让人泪目",
        lambda: (
            f"{rng.choice(PLACES)}{rng.choice(('暴雨', '寒潮', '大风', '高温'))}预警！{rng.randrange(1, 28)}日起将持续{rng.randrange(2, 6)}天"
        ),
        lambda: f"全运会{rng.choice(SPORTS)}：{person_name(rng)}夺冠，{person_name(rng)}摘银",
        lambda: f"20{rng.randrange(25, 28)}年{rng.choice(TOPICS)}全面调整，这{rng.randrange(3, 9)}类人受益",
        lambda: (
            f"{rng.choice(PLACES)}{n}家{rng.choice(('老字号', '网红店', '书店'))}集体{rng.choice(('关停', '涨价', '搬迁'))}，店主道出实情"
        ),
    ]
    return rng.choice(forms)()


def docid(rng: random.Random, avoid: str | None) -> str:
    first = "0123456789ABCDEFGHIJKLMNOPQRSTUV"
    other = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    while True:
        head = rng.choice("HIJK") + "".join(rng.choice(first) for _ in range(7))
        d = head + "".join(rng.choice(other) for _ in range(8))
        if d != avoid:
            return d


def netease_url(rng: random.Random, avoid: str | None) -> str:
    d = docid(rng, avoid)
    chan = rng.choice(CHAN_SLUGS)
    forms = (
        f"https://www.163.com/dy/article/{d}.html",
        f"https://{chan}.163.com/{rng.randrange(19, 26)}/{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}/{rng.randrange(0, 24):02d}/{d}.html",
        f"https://www.163.com/{chan}/article/{d}.html",
        f"https://m.163.com/{chan}/article/{d}.html",
        f"https://3g.163.com/dy/article/{d}.html",
        f"http://dy.163.com/v2/article/detail/{d}.html",
        f"https://c.m.163.com/news/a/{d}.html",
        f"//www.163.com/dy/article/{d}.html",
    )
    url = rng.choice(forms)
    if rng.random() < 0.25:
        url += rng.choice(("?from=", "#src=", "?ref=")) + rng.choice(SYLLABLES) + str(rng.randrange(100, 999))
    return url


def image_url(rng: random.Random) -> str:
    name = f"{rng.getrandbits(64):016x}"
    raw = f"http://dingyue.ws.126.net/20{rng.randrange(22, 26)}/{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}/{name}.{rng.choice(('jpeg', 'png', 'jpg'))}"
    if rng.random() < 0.5:
        return f"https://nimg.ws.126.net/?url={quote(raw, safe='')}&thumbnail={rng.choice(('140y88', '200y125', '750x2147483647'))}&quality=85&type=jpg"
    return raw.replace("dingyue.ws.126.net", rng.choice(("cms-bucket.ws.126.net", "dingyue.ws.126.net")))


def image_token(url: str) -> str:
    return re.search(r"([0-9a-f]{16})\.", url.replace("%2F", "/").replace("%2E", ".")).group(1)


def publisher(rng: random.Random) -> str:
    return rng.choice(
        (
            f"{rng.choice(PLACES)}{rng.choice(('生活圈', '头条', '发布厅', '身边事'))}",
            f"{person_name(rng)}{rng.choice(('说财经', '聊科技', '看体育', '谈历史'))}",
            f"{rng.choice(('星河', '青柠', '老街', '北纬'))}{rng.choice(('观察', '视角', '笔记', '纪实'))}",
        )
    )


def stamp(rng: random.Random) -> str:
    return f"20{rng.randrange(22, 26)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d} {rng.randrange(0, 24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"


# --- boilerplate block kinds --------------------------------------------------------------------


@dataclass
class Block:
    kind: str
    html: str
    probes: list[str]  # strings that must not survive in Article.text
    texts: list[str]  # every visible text piece (for the new-line check)
    images: list[str] = field(default_factory=list)


HEADINGS = (
    "相关推荐", "热点推荐", "重点推荐", "相关阅读", "延伸阅读", "推荐阅读", "猜你喜欢", "热门推荐",
    "精彩推荐", "相关新闻", "往期回顾", "专题", "更多精彩", "为你推荐", "大家都在看", "编辑精选",
    "今日热文", "本周热读", "看了又看", "相关报道", "热文速递", "更多阅读",
)  # fmt: skip


def decorate(rng: random.Random, word: str) -> str:
    return rng.choice(
        (
            "{}", "{}：", "{}:", "【{}】", "▶ {}", "{} »", "{}>>", "· {} ·", "—— {} ——", "{} 更多>", "| {}",
            "▌{}", "{} ▼", "◆{}", "{} MORE", "＞＞{}",
        )
    ).format(word)  # fmt: skip


def item_meta(rng: random.Random) -> str:
    return rng.choice(
        (
            "",
            "",
            publisher(rng),
            stamp(rng),
            f"{publisher(rng)} {stamp(rng)}",
            f"{rng.randrange(2, 9999)}跟贴",
            f"{rng.randrange(1, 23)}小时前",
            f"阅读 {rng.randrange(1, 99)}.{rng.randrange(10)}万",
        )
    )


def render_list(
    mk: Markup, heading: str | None, items: list[tuple[str, str, str]], heading_link: bool = False
) -> str:
    """A headed (or bare) list of (href, headline, meta) in one of several structures."""
    rng = mk.rng
    htag = rng.choice(("h2", "h3", "h4", "div", "p", "strong", "span", "b"))
    head = ""
    if heading:
        inner = mk.link(netease_url(rng, None), heading) if heading_link else heading
        head = f"<{htag}{mk.attrs()}>{inner}</{htag}>"

    def meta(m: str) -> str:
        if not m:
            return ""
        t = rng.choice(("span", "em", "i", "small", "div"))
        return f"<{t}{mk.attrs()}>{m}</{t}>"

    shape = rng.randrange(7)
    if shape == 0:  # ul/ol > li > a
        lt = rng.choice(("ul", "ol"))
        lis = "".join(f"<li{mk.attrs(0.3)}>{mk.link(h, t)}{meta(m)}</li>" for h, t, m in items)
        return f"<div{mk.attrs()}>{head}<{lt}{mk.attrs()}>{lis}</{lt}></div>"
    if shape == 1:  # div > p > a
        ps = "".join(f"<p{mk.attrs(0.3)}>{mk.link(h, t)}{meta(m)}</p>" for h, t, m in items)
        ct = rng.choice(("div", "section", "aside"))
        return f"<{ct}{mk.attrs()}>{head}{ps}</{ct}>"
    if shape == 2:  # dl
        dt = f"<dt{mk.attrs()}>{heading}</dt>" if heading else ""
        dds = "".join(f"<dd{mk.attrs(0.3)}>{mk.link(h, t)}{meta(m)}</dd>" for h, t, m in items)
        return f"<dl{mk.attrs()}>{dt}{dds}</dl>"
    if shape == 3:  # table
        cap = f"<caption>{heading}</caption>" if heading and rng.random() < 0.5 else ""
        top = "" if cap or not heading else f"<tr><th colspan=2>{heading}</th></tr>"
        rows = "".join(f"<tr{mk.attrs(0.2)}><td>{mk.link(h, t)}</td><td>{m}</td></tr>" for h, t, m in items)
        return f"<table{mk.attrs()}>{cap}<tbody>{top}{rows}</tbody></table>"
    if shape == 4:  # links separated by <br>
        sep = rng.choice(("<br>", "<br/>", "<br>\n"))
        bullet = rng.choice(("", "· ", "▪ ", "> ", "●"))
        links = sep.join(f"{bullet}{mk.link(h, t)}" for h, t, _ in items)
        return f"<div{mk.attrs()}>{head}<p>{links}</p></div>"
    if shape == 5:  # bare <p> run, no container
        hp = f"<p{mk.attrs(0.4)}><strong>{heading}</strong></p>" if heading else ""
        bullet = rng.choice(("", "▶", "·", "★ ", "→"))
        return hp + "".join(f"<p{mk.attrs(0.3)}>{bullet}{mk.link(h, t)}</p>" for h, t, _ in items)
    # shape 6: cards with thumbnails are in promo_grid; here cards without images
    cards = "".join(
        f"<div{mk.attrs()}><div{mk.attrs()}>{mk.link(h, t)}</div>{meta(m)}</div>" for h, t, m in items
    )
    return f"<div{mk.attrs()}>{head}<div{mk.attrs()}>{cards}</div></div>"


class Kinds:
    """Block factories: ``Kinds(rng, mk, page).make(kind)`` -> :class:`Block`."""

    def __init__(self, rng: random.Random, mk: Markup, page: SourcePage) -> None:
        self.rng, self.mk, self.page = rng, mk, page

    def _items(self, n: int) -> list[tuple[str, str, str]]:
        return [
            (netease_url(self.rng, self.page.docid), headline(self.rng), item_meta(self.rng))
            for _ in range(n)
        ]

    def related_headed(self) -> Block:
        rng = self.rng
        heading = decorate(rng, rng.choice(HEADINGS))
        items = self._items(rng.randrange(3, 9))
        html = render_list(self.mk, heading, items, heading_link=rng.random() < 0.15)
        return Block(
            "related_headed",
            html,
            [t for _, t, _ in items],
            [heading] + [t for _, t, m in items] + [m for *_, m in items if m],
        )

    def link_run(self) -> Block:
        items = self._items(self.rng.randrange(3, 9))
        html = render_list(self.mk, None, items)
        return Block(
            "link_run", html, [t for _, t, _ in items], [t for _, t, _ in items] + [m for *_, m in items if m]
        )

    def related_single(self) -> Block:
        rng, mk = self.rng, self.mk
        label = rng.choice(
            ("相关阅读", "延伸阅读", "相关新闻", "点击阅读", "推荐阅读", "相关报道", "往期精彩")
        )
        t = headline(rng)
        link = mk.link(netease_url(rng, self.page.docid), t)
        line = rng.choice(
            (
                f"{label}：{link}",
                f"【{label}】{link}",
                f"{label}：《{link}》",
                f"{label}&gt;&gt; {link}",
                f"{label}: {link}",
            )
        )
        tag = rng.choice(("p", "p", "div", "strong"))
        html = f"<{tag}{mk.attrs(0.5)}>{line}</{tag}>"
        if tag == "strong":
            html = f"<p>{html}</p>"
        return Block("related_single", html, [t], [label, t])

    def promo_grid(self) -> Block:
        rng, mk = self.rng, self.mk
        n = rng.randrange(2, 7)
        caps = [headline(rng)[: rng.randrange(8, 15)] + rng.choice(("", "…")) for _ in range(n)]
        imgs = [image_url(rng) for _ in range(n)]
        hrefs = [netease_url(rng, self.page.docid) for _ in range(n)]
        heading = (
            decorate(rng, rng.choice(("图片推荐", "热门图集", "精彩图片", "看图", "视觉焦点", "图说天下")))
            if rng.random() < 0.6
            else None
        )
        cells = []
        for h, i, c in zip(hrefs, imgs, caps, strict=False):
            ct = rng.choice(("p", "span", "div", "em"))
            cells.append(
                f'<a href="{h}"{mk.attrs(0.3)}><img src="{i}" alt="{c if rng.random() < 0.5 else ""}"{mk.attrs(0.3)}></a>'
                f"<{ct}{mk.attrs(0.5)}>{mk.link(h, c)}</{ct}>"
            )
        head = f"<div{mk.attrs()}>{heading}</div>" if heading else ""
        if rng.random() < 0.5:
            cols = rng.choice((2, 3))
            rows = [cells[k : k + cols] for k in range(0, n, cols)]
            body = "".join(
                "<tr>" + "".join(f"<td{mk.attrs(0.3)}>{c}</td>" for c in row) + "</tr>" for row in rows
            )
            html = f"{head}<table{mk.attrs()}><tbody>{body}</tbody></table>"
        else:
            tag = rng.choice(("li", "div"))
            inner = "".join(f"<{tag}{mk.attrs()}>{c}</{tag}>" for c in cells)
            html = (
                f"{head}<ul{mk.attrs()}>{inner}</ul>"
                if tag == "li"
                else f"{head}<div{mk.attrs()}>{inner}</div>"
            )
        html = f"<div{mk.attrs()}>{html}</div>"
        return Block("promo_grid", html, [c for c in caps], ([heading] if heading else []) + caps, imgs)

    def app_prompt(self) -> Block:
        rng, mk = self.rng, self.mk
        n = rng.randrange(3, 99)
        pub = publisher(rng)
        line = rng.choice(
            (
                f"打开网易新闻APP，查看{n}张高清大图",
                f"打开网易新闻 阅读全文（剩余{n}%）",
                f"扫码下载网易新闻客户端，领取{n}元阅读红包",
                f"长按识别二维码，关注「{pub}」获取更多资讯",
                f"下载客户端，看{pub}的全部{n}篇原创文章",
                f"用网易新闻APP打开，观看完整视频（{n}:{rng.randrange(10, 59)}）",
                f"微信扫一扫，关注{pub}公众号，每天{n}条热点早知道",
                f"戳这里下载网易新闻，第{n}期互动抽奖进行中",
                f"打开APP，和{n}万网友一起讨论",
            )
        )
        img = image_url(rng) if rng.random() < 0.5 else None
        btn = rng.choice(("", "立即打开", "去下载", "打开APP", "马上体验"))
        parts = []
        if img:
            parts.append(f'<img src="{img}" alt="二维码"{mk.attrs(0.5)}>')
        lt = rng.choice(("p", "span", "div", "a"))
        if lt == "a":
            parts.append(
                f'<a href="https://m.163.com/newsapp/?s={rng.choice(SYLLABLES)}{n}"{mk.attrs()}>{line}</a>'
            )
        else:
            parts.append(f"<{lt}{mk.attrs()}>{line}</{lt}>")
        if btn:
            parts.append(f'<a href="javascript:;"{mk.attrs()}>{btn}</a>')
        ct = rng.choice(("div", "section", "aside", "p"))
        if ct == "p" and lt == "div":
            ct = "div"
        html = f"<{ct}{mk.attrs()}>{''.join(parts)}</{ct}>"
        return Block("app_prompt", html, [line], [line] + ([btn] if btn else []), [img] if img else [])

    def disclaimer(self) -> Block:
        rng, mk = self.rng, self.mk
        colon = rng.choice(("：", ":", "： ", ""))
        lp, rp = rng.choice((("(", ")"), ("（", "）")))
        pub = publisher(rng)
        cn = rng.choice(
            (
                f"特别声明{colon}以上内容{lp}如有图片或视频亦包括在内{rp}为自媒体平台“网易号”用户上传并发布，本平台仅提供信息存储服务。",
                f"声明{colon}本文为网易自媒体平台“网易号”作者{pub}上传并发布，仅代表该作者观点。网易仅提供信息发布平台。",
                f"免责声明{colon}本文内容由网易号作者「{pub}」提供，不代表网易立场，如有侵权请联系平台处理。",
                f"特别声明{colon}以上文章内容仅代表作者本人观点，不代表网易观点或立场。如有关于作品内容、版权或其它问题请于作品发表后的{rng.choice((15, 30))}日内与网易联系。",
                f"本文为网易自媒体平台“网易号”作者「{pub}」原创内容，未经授权不得转载{lp}平台仅提供信息存储服务{rp}。",
                f"特别声明{colon}本文由{pub}发布于网易号，文中观点不代表本平台立场{lp}图片、视频亦同{rp}。",
            )
        )
        en = rng.choice(
            (
                "",
                "Notice: The content above (including the pictures and videos if any) is uploaded and posted by a user of NetEase Hao, which is a social media platform and only provides information storage services.",
                "Notice: the content above (including the videos and pictures, if any) was uploaded and posted by a NetEase Hao user. NetEase Hao is a social media platform that only provides information storage services.",
                f"Disclaimer: this article was posted by {rng.choice(('a NetEase Hao account', 'an independent NetEase Hao author'))}; NetEase only provides information storage services.",
            )
        )
        tag = rng.choice(("p", "div", "span"))
        parts = [f"<{tag}{mk.attrs()}>{cn}</{tag}>"]
        if en:
            parts.append(f"<{tag}{mk.attrs()}>{en}</{tag}>")
        html = (
            f"<div{mk.attrs()}>{''.join(parts)}</div>"
            if rng.random() < 0.7 or tag == "span"
            else "".join(parts)
        )
        probes = [cn] + ([en] if en else [])
        return Block("disclaimer", html, probes, probes)

    def share_bar(self) -> Block:
        rng, mk = self.rng, self.mk
        label = rng.choice(("分享到：", "分享至", "分享给朋友：", "一键分享", "分享：", "转发到"))
        targets = rng.sample(
            ("微信", "微博", "QQ空间", "QQ好友", "朋友圈", "豆瓣", "复制链接", "易信"), rng.randrange(3, 6)
        )
        extra = rng.sample(
            (f"{rng.randrange(2, 999)}人已赞", "举报", "收藏", f"点赞 {rng.randrange(2, 99)}", "字号 A+ A-"),
            rng.randrange(0, 3),
        )
        tg = "".join(
            f'<a href="javascript:void(0)" title="{t}"{mk.attrs()}><i{mk.attrs(0.8)}></i>{t}</a>'
            if rng.random() < 0.7
            else f"<span{mk.attrs()}>{t}</span>"
            for t in targets
        )
        ex = "".join(f"<span{mk.attrs()}>{e}</span>" for e in extra)
        if rng.random() < 0.5:
            html = f"<div{mk.attrs()}><span{mk.attrs()}>{label}</span>{tg}{ex}</div>"
        else:
            lis = "".join(f"<li>{t}</li>" for t in targets)
            html = f"<div{mk.attrs()}><em>{label}</em><ul{mk.attrs()}>{lis}</ul>{ex}</div>"
        return Block("share_bar", html, [e for e in extra if len(e) >= PROBE_MIN], [label, *targets, *extra])

    def author_card(self) -> Block:
        rng, mk = self.rng, self.mk
        pub = publisher(rng)
        bio = (
            rng.choice(
                (
                    "专注财经深度解读",
                    "每天讲一个历史小故事",
                    "记录城市里的普通人",
                    "科技圈的观察者",
                    "带你看懂体育江湖",
                )
            )
            + f"，已入驻{rng.randrange(2, 9)}年"
        )
        a, b = rng.randrange(10, 9999), rng.randrange(10, 99999)
        stats = rng.choice(
            (
                f"{a}文章数 {b}关注度",
                f"粉丝 {b} · 文章 {a}",
                f"{a}篇文章 {b}人关注",
                f"文章数{a} 粉丝数{b}",
                f"获赞{b} · 作品{a}",
            )
        )
        follow = rng.choice(("+ 关注", "关注", "+关注TA", "已关注"))
        img = image_url(rng)
        nt = rng.choice(("h4", "strong", "p"))
        lines = []
        probes = [pub, bio]
        texts = [pub, bio, stats, follow]
        if rng.random() < 0.5:
            items = self._items(rng.randrange(2, 4))
            lines = [f"<li>{mk.link(h, t)}</li>" for h, t, _ in items]
            probes += [t for _, t, _ in items]
            texts += ["往期回顾", "全部"] + [t for _, t, _ in items]
        more = (
            f"<div{mk.attrs()}><span>往期回顾</span><a href='#'>全部</a></div><ul{mk.attrs()}>{''.join(lines)}</ul>"
            if lines
            else ""
        )
        html = (
            f"<div{mk.attrs(0.9)}><a href='https://www.163.com/dy/media/T{rng.randrange(10**12, 10**13)}.html'{mk.attrs()}>"
            f"<img src='{img}'{mk.attrs()}></a><div{mk.attrs()}><{nt}>{pub}</{nt}>"
            f"<p{mk.attrs()}>{bio}</p><div{mk.attrs()}>{stats}</div><a href='javascript:;'{mk.attrs()}>{follow}</a></div>{more}</div>"
        )
        probes = [p for p in probes if len(p) >= PROBE_MIN]
        return Block("author_card", html, [*probes, stats], texts, [img])

    def comment_count(self) -> Block:
        rng, mk = self.rng, self.mk
        a, b = rng.randrange(2, 9999), rng.randrange(100, 99999)
        line = rng.choice(
            (
                f"跟贴 {a} 参与 {b}",
                f"{a}条跟贴 · {b}人参与",
                f"已有{b}人参与讨论，点击查看全部{a}条跟贴 >",
                f"查看全部{a}条评论",
                f"热门跟贴（{a}）",
            )
        )
        extra = rng.choice(
            (
                "",
                "网友评论仅代表其个人观点，不代表网易的立场",
                "文明上网，理性发言，请遵守网易跟贴服务协议",
                "我来说两句",
                "还没有人跟贴，快来抢沙发吧",
            )
        )
        html = f"<div{mk.attrs()}><a href='https://comment.tie.163.com/{docid(rng, self.page.docid)}.html'{mk.attrs()}>{line}</a>"
        if extra:
            html += f"<p{mk.attrs()}>{extra}</p>"
        html += "</div>"
        return Block(
            "comment_count", html, [line] + ([extra] if extra else []), [line, extra] if extra else [line]
        )

    def ad(self) -> Block:
        rng, mk = self.rng, self.mk
        label = rng.choice(("广告", "AD", "推广", "广告 ×", "赞助"))
        text = rng.choice(
            (
                f"{rng.choice(BRANDS)}{rng.choice(PRODUCTS)}限时特惠，点击领取{rng.randrange(50, 999)}元优惠券",
                f"{rng.choice(PLACES)}{rng.choice(('新盘', '精装房'))}首付{rng.randrange(5, 50)}万起，{rng.choice(('地铁口', '学区', '江景'))}现房",
                f"{rng.randrange(2, 9)}秒测一测，你的{rng.choice(('颈椎', '视力', '记忆力'))}年龄是多少岁",
                f"{rng.choice(BRANDS)}传奇：{rng.choice(('经典复刻', '打金服', '一刀999'))}，今日开服第{rng.randrange(2, 99)}区",
            )
        )
        img = image_url(rng) if rng.random() < 0.6 else None
        href = f"https://{rng.choice(('click', 'go', 'trk'))}.{rng.choice(SYLLABLES)}{rng.choice(SYLLABLES)}.cn/c?u={rng.getrandbits(32):x}"
        pic = f"<img src='{img}'{mk.attrs(0.5)}>" if img else ""
        html = f"<div{mk.attrs(0.9)}><a href='{href}' target='_blank'{mk.attrs()}>{pic}<span{mk.attrs()}>{text}</span></a><span{mk.attrs()}>{label}</span></div>"
        if rng.random() < 0.3:
            html = (
                f"<div{mk.attrs()}><iframe src='{href}' width=640 height=90 frameborder=0></iframe></div>"
                + html
            )
        return Block("ad", html, [text], [label, text], [img] if img else [])

    def back_home(self) -> Block:
        rng, mk = self.rng, self.mk
        ch = rng.choice(CHANNELS)
        n = rng.randrange(2, 99)
        links = rng.sample(
            (
                "返回网易首页",
                f"返回{ch}频道首页",
                f"返回{ch}首页 >",
                f"← 返回{ch}",
                "回到顶部 ↑",
                f"进入{ch}频道，看更多精彩（第{n}期）",
            ),
            rng.randrange(1, 4),
        )
        sep = rng.choice(("", " | ", " ", "<span>|</span>"))
        inner = sep.join(
            f"<a href='https://{rng.choice(CHAN_SLUGS)}.163.com/'{mk.attrs(0.4)}>{t}</a>" for t in links
        )
        ct = rng.choice(("p", "div"))
        html = f"<{ct}{mk.attrs()}>{inner}</{ct}>"
        return Block("back_home", html, [t for t in links if len(t) >= PROBE_MIN], links)

    def footer(self) -> Block:
        rng, mk = self.rng, self.mk
        y = rng.randrange(2019, 2027)
        lines = rng.sample(
            (
                f"©1997-{y} 网易公司版权所有",
                f"Copyright © 1997-{y} NetEase Inc. All Rights Reserved.",
                f"网易公司版权所有 ©1997-{y}",
                "本站所刊载信息，不代表网易观点。未经授权不得转载",
                f"互联网新闻信息服务许可证编号：{rng.randrange(10**10, 10**11)}",
                f"浙B2-{rng.randrange(2000, 2025)}{rng.randrange(1000, 9999)} · 违法和不良信息举报电话：0571-{rng.randrange(10**7, 10**8)}",
                "About NetEase | 公司简介 | 联系方法 | 招聘信息 | 客户服务 | 隐私政策",
            ),
            rng.randrange(1, 4),
        )
        tag = rng.choice(("p", "div", "span"))
        ct = rng.choice(("div", "footer"))
        html = (
            f"<{ct}{mk.attrs()}>" + "".join(f"<{tag}{mk.attrs(0.4)}>{t}</{tag}>" for t in lines) + f"</{ct}>"
        )
        return Block("footer", html, [t for t in lines if len(t) >= PROBE_MIN], lines)

    def topic_box(self) -> Block:
        rng, mk = self.rng, self.mk
        topic = f"{rng.choice(PLACES)}{rng.choice(('两会', '马拉松', '国际车展', '文旅季', '防汛'))}{rng.randrange(2019, 2027)}"
        items = self._items(rng.randrange(2, 5))
        title = rng.choice((f"专题：{topic}", f"【专题】{topic}", f"{topic} 专题报道", f"专题 | {topic}"))
        more = rng.choice(("进入专题 >", "查看专题>>", "更多专题报道 ›", ""))
        lis = "".join(f"<li>{mk.link(h, t)}</li>" for h, t, _ in items)
        m = (
            f"<a href='https://news.163.com/special/{rng.choice(SYLLABLES)}{rng.randrange(100, 999)}/'{mk.attrs()}>{more}</a>"
            if more
            else ""
        )
        html = f"<div{mk.attrs(0.9)}><div{mk.attrs()}>{title}</div><ul{mk.attrs()}>{lis}</ul>{m}</div>"
        return Block(
            "topic_box",
            html,
            [title] + [t for _, t, _ in items],
            [title, more] + [t for _, t, _ in items] if more else [title] + [t for _, t, _ in items],
        )

    def ranking(self) -> Block:
        rng, mk = self.rng, self.mk
        head = decorate(
            rng, rng.choice(("24小时热榜", "点击排行", "跟贴排行", "热搜榜", "今日热榜", "阅读排行"))
        )
        items = self._items(rng.randrange(3, 8))
        rows = "".join(
            f"<li{mk.attrs(0.3)}><em{mk.attrs(0.5)}>{k + 1}</em>{mk.link(h, t)}<span>{rng.randrange(1, 999)}万热度</span></li>"
            for k, (h, t, _) in enumerate(items)
        )
        html = f"<div{mk.attrs(0.9)}><h3{mk.attrs()}>{head}</h3><ol{mk.attrs()}>{rows}</ol></div>"
        return Block("ranking", html, [t for _, t, _ in items], [head] + [t for _, t, _ in items])

    def breadcrumb(self) -> Block:
        rng, mk = self.rng, self.mk
        ch = rng.choice(CHANNELS)
        sep = rng.choice((" > ", " &gt; ", " / ", " » ", " › "))
        parts = ["网易首页", f"{ch}中心", f"{rng.choice(PLACES)}{ch}", "正文"]
        inner = (
            sep.join(mk.link(f"https://{rng.choice(CHAN_SLUGS)}.163.com/", p) for p in parts[:-1])
            + sep
            + parts[-1]
        )
        html = f"<div{mk.attrs(0.9)}>{inner}</div>"
        return Block("breadcrumb", html, [parts[2] + sep.replace("&gt;", ">").strip() + "正文"], parts)

    def poll(self) -> Block:
        rng, mk = self.rng, self.mk
        q = rng.choice(
            (
                f"你支持{rng.choice(PLACES)}推行{rng.choice(TOPICS)}新办法吗？",
                f"{rng.choice(BRANDS)}{rng.choice(PRODUCTS)}这个价格，你会买吗？",
                f"你所在的城市{rng.choice(('房价', '油价', '菜价'))}今年涨了吗？",
            )
        )
        options = rng.sample(("支持", "反对", "会买", "观望", "涨了", "没变", "说不清"), rng.randrange(2, 4))
        n = rng.randrange(100, 99999)
        head = rng.choice(("网友投票", "【投票】", "互动话题", "说说你的看法"))
        opts = "".join(
            f"<label{mk.attrs(0.5)}><input type='radio' name='{mk.name()}'> {o}</label>"
            if rng.random() < 0.5
            else f"<li{mk.attrs(0.5)}>{o}<span>{rng.randrange(1, 99)}%</span></li>"
            for o in options
        )
        count = f"已有{n}人参与投票"
        html = (
            f"<div{mk.attrs(0.9)}><div{mk.attrs()}>{head}</div><p{mk.attrs()}>{q}</p>"
            f"<ul{mk.attrs()}>{opts}</ul><div{mk.attrs()}>{count}</div>"
            f"<a href='javascript:;'{mk.attrs()}>{rng.choice(('投票', '提交', '查看结果'))}</a></div>"
        )
        return Block("poll", html, [q, count], [head, q, *options, count])

    def unfold(self) -> Block:
        rng, mk = self.rng, self.mk
        pct = rng.randrange(20, 90)
        line = rng.choice(
            (
                f"剩余{pct}%内容，点击展开阅读全文",
                f"展开全文 ▼（还有{rng.randrange(2, 30)}段）",
                f"登录网易通行证，免费阅读剩余{pct}%",
                f"打开网易新闻，阅读剩余{pct}%全文",
                f"本文剩余{rng.randrange(800, 5000)}字，开通会员后继续阅读",
            )
        )
        tag = rng.choice(("div", "a", "p", "button"))
        inner = (
            f"<{tag}{mk.attrs()}>{line}</{tag}>"
            if tag != "a"
            else f"<a href='javascript:;'{mk.attrs()}>{line}</a>"
        )
        html = f"<div{mk.attrs(0.9)}>{inner}</div>"
        return Block("unfold", html, [line], [line])

    def next_article(self) -> Block:
        rng, mk = self.rng, self.mk
        t1, t2 = headline(rng), headline(rng)
        form = rng.randrange(3)
        if form == 0:
            html = f"<div{mk.attrs()}><span>阅读下一篇</span>{mk.link(netease_url(rng, self.page.docid), t1)}</div>"
            probes, texts = [t1], ["阅读下一篇", t1]
        elif form == 1:
            html = (
                f"<div{mk.attrs()}><p>上一篇：{mk.link(netease_url(rng, self.page.docid), t1)}</p>"
                f"<p>下一篇：{mk.link(netease_url(rng, self.page.docid), t2)}</p></div>"
            )
            probes, texts = [t1, t2], ["上一篇", t1, "下一篇", t2]
        else:
            html = f"<p{mk.attrs()}>/ 阅读下一篇 /</p><h3{mk.attrs()}>{mk.link(netease_url(rng, self.page.docid), t1)}</h3>"
            probes, texts = [t1], ["/ 阅读下一篇 /", t1]
        return Block("next_article", html, probes, texts)


KINDS = (
    "related_headed",
    "link_run",
    "related_single",
    "promo_grid",
    "app_prompt",
    "disclaimer",
    "share_bar",
    "author_card",
    "comment_count",
    "ad",
    "back_home",
    "footer",
    "topic_box",
    "ranking",
    "breadcrumb",
    "next_article",
    "poll",
    "unfold",
)


# --- genuine additions (must be kept) -------------------------------------------------------


def genuine_paragraphs(rng: random.Random, mk: Markup, page: SourcePage) -> tuple[list[str], list[str]]:
    """HTML snippets and the exact lines they must produce: real article text, not boilerplate."""
    place, who = rng.choice(PLACES), person_name(rng)
    n = rng.randrange(12, 98)
    url = netease_url(rng, page.docid)
    src = rng.choice(("网易新闻", "网易财经", "网易科技", "此前报道"))
    p1 = (
        f"据{mk.link(url, src)}报道，{place}市相关部门已于本月{n}日启动专项排查，"
        f"截至目前共走访{n * 13}户居民，发现并整改隐患{n + 7}处；负责人{who}表示，后续还将每季度复查一次。"
    )
    line1 = f"据{src}报道，{place}市相关部门已于本月{n}日启动专项排查，截至目前共走访{n * 13}户居民，发现并整改隐患{n + 7}处；负责人{who}表示，后续还将每季度复查一次。"
    line2 = f"相关负责人介绍，今年{place}共新增{n}个社区服务站点，覆盖居民约{n * 3}万人。"
    line3 = (
        f"记者了解到，市民可通过“{place}发布”微信公众号扫码预约，每日限{n * 10}人，预约成功后凭身份证入场。"
    )
    items = [
        f"一是延长{place}{rng.choice(('图书馆', '体育馆', '博物馆'))}开放时间至晚上{rng.randrange(8, 10)}点；",
        f"二是新增{n}条社区公交微循环线路；",
        f"三是{rng.choice(('周末', '节假日'))}免费开放{rng.randrange(3, 9)}处停车场。",
    ]
    lt = rng.choice(("ul", "ol", "p"))
    if lt == "p":
        lst = "".join(f"<p{mk.attrs(0.3)}>{t}</p>" for t in items)
    else:
        lst = f"<{lt}{mk.attrs()}>" + "".join(f"<li>{t}</li>" for t in items) + f"</{lt}>"
    snippets = [f"<p{mk.attrs(0.3)}>{p1}</p>", f"<p>{line2}</p>", lst, f"<p{mk.attrs(0.3)}>{line3}</p>"]
    return snippets, [line1, line2, *items, line3]


# --- building mutated pages -----------------------------------------------------------------


@dataclass
class Mutated:
    page: SourcePage
    mutation: str
    html: str
    expected: list[str]  # paragraphs the cleaner must keep (gold, reduced or extended)
    blocks: list[Block]
    genuine: list[str]  # lines that must come out exactly
    neighbours: list[str]  # gold paragraphs next to an insertion point: must come out intact
    names: set[str]
    renamed: bool


def _fragment_nodes(html: str) -> list[LexborNode]:
    tree = LexborHTMLParser(f"<html><body>{html}</body></html>")
    return [n for n in tree.body.iter(include_text=True) if not (n.tag == "-text" and not n.text().strip())]


def _insert(slot: LexborNode, html: str, where: str) -> None:
    nodes = _fragment_nodes(html)
    if where == "before":
        for node in nodes:
            slot.insert_before(node)
    else:
        for node in reversed(nodes):
            slot.insert_after(node)


def _set_utf8(tree: LexborHTMLParser) -> None:
    for meta in tree.css("meta"):
        attrs = meta.attrs
        if "charset" in attrs:
            attrs["charset"] = "utf-8"
        content = attrs.get("content") or ""
        if "charset" in content.lower():
            attrs["content"] = re.sub(r"charset\s*=\s*[\w-]+", "charset=utf-8", content, flags=re.I)
    for node in tree.css("text[encoding]"):
        node.attrs["encoding"] = "utf-8"


def _rename(nodes: list[LexborNode], rng: random.Random, names: set[str]) -> None:
    mapping: dict[str, str] = {}

    def new(old: str) -> str:
        if old not in mapping:
            while True:
                token = invent_name(rng)
                if token not in names:
                    break
            names.add(token)
            mapping[old] = token
        return mapping[old]

    for node in nodes:
        if not node.is_element_node:
            continue
        attrs = node.attrs
        if attrs.get("class"):
            attrs["class"] = " ".join(new(c) for c in (attrs["class"] or "").split())
        if attrs.get("id"):
            attrs["id"] = new("#" + attrs["id"])


MUTATIONS = (
    "inject-first",
    "inject-middle",
    "inject-last",
    "inject-nested",
    "inject-scatter",
    "short-body",
    "rename-all",
    "rename-body",
    "redesign-inject",
    "genuine",
)


def _seed(*parts: str) -> int:
    return zlib.crc32("|".join((str(SEED), *parts)).encode())


def _kind_cycle(page: SourcePage, mutation: str) -> Callable[[], str]:
    """Kinds in a page-dependent rotation, so every kind lands on every position across pages."""
    rng = random.Random(_seed(page.name, mutation, "kinds"))
    order = list(KINDS)
    rng.shuffle(order)
    state = {"i": 0}

    def nxt() -> str:
        k = order[state["i"] % len(order)]
        state["i"] += 1
        return k

    return nxt


def build(page: SourcePage, mutation: str) -> Mutated:
    """The page after one mutation (deterministic for a given page, mutation and :data:`SEED`)."""
    bm = locate(page.name)
    rng = random.Random(_seed(page.name, mutation))
    mk = Markup(rng)
    tree = LexborHTMLParser(page.html)
    _set_utf8(tree)
    body = _at(tree, bm.body)
    slots = [_at(tree, p) for p in bm.slots]
    kinds = Kinds(rng, mk, page)
    next_kind = _kind_cycle(page, mutation)
    original_text = squash(tree.root.text(deep=True))
    gold_sq = [squash(p) for p in page.paragraphs]
    blocks: list[Block] = []
    expected = list(page.paragraphs)
    genuine: list[str] = []
    neighbour_idx: set[int] = set()
    renamed = False
    names = mk.names

    def make_block() -> Block:
        for _ in range(20):
            block = getattr(kinds, next_kind())()
            block.html = mk.wrap(block.html)
            text = squash(" ".join(block.texts))
            # unique against the page and never containing or inside a gold paragraph
            if any(squash(p) in original_text for p in block.probes):
                continue
            if any(
                g
                and (
                    g in text
                    or (
                        len(g) >= 4
                        and any(g in squash(t) or squash(t) in g for t in block.texts if len(squash(t)) >= 4)
                    )
                )
                for g in gold_sq
            ):
                continue
            blocks.append(block)
            return block
        raise RuntimeError("could not make a unique block")

    def note_neighbours(i: int) -> None:
        if 0 <= i < len(slots):
            neighbour_idx.update(bm.slot_gold[i])

    def inject_at(i: int, where: str, count: int) -> None:
        html = "".join(make_block().html for _ in range(count))
        _insert(slots[i], html, where)
        note_neighbours(i)
        note_neighbours(i - 1 if where == "before" else i + 1)

    mid = max(0, (len(slots) - 1) // 2)
    if mutation == "inject-first":
        inject_at(0, "before", 2)
    elif mutation == "inject-middle":
        inject_at(mid, "after", 2)
    elif mutation == "inject-last":
        inject_at(len(slots) - 1, "after", 2)
    elif mutation == "inject-nested":
        slot = slots[mid]
        inner = "".join(make_block().html for _ in range(rng.choice((1, 2))))
        pieces = [slot.html or "", inner]
        if rng.random() < 0.5:
            pieces.reverse()
        wrapper = f"<div{mk.attrs(1.0)}>{''.join(pieces)}</div>"
        if rng.random() < 0.5:
            wrapper = f"<div{mk.attrs(1.0)}>{wrapper}</div>"
        _insert(slot, wrapper, "after")
        slot.decompose()
        note_neighbours(mid)
        note_neighbours(mid - 1)
        note_neighbours(mid + 1)
    elif mutation in {"inject-scatter", "redesign-inject"}:
        if mutation == "redesign-inject":
            _rename(list(tree.root.traverse(include_text=False)), rng, names)
            renamed = True
        count = 6 if mutation == "inject-scatter" else 4
        positions = sorted(rng.sample(range(len(slots) + 1), min(count, len(slots) + 1)))
        for pos in positions:
            if pos == len(slots):
                inject_at(pos - 1, "after", 1)
            else:
                inject_at(pos, "before", 1)
    elif mutation == "short-body" and not any(bm.slot_gold):
        # <br>-separated body (one slot element): cut everything after the first few <br>s
        anchor = slots[0].parent
        cut = slots[min(len(slots) - 1, 4)]
        node = cut.next
        while node is not None:
            following = node.next
            node.decompose()
            node = following
        left = _text(anchor)
        expected = [p for p in page.paragraphs if squash(p) in left]
        inject_at(slots.index(cut) if cut in slots else 0, "after", 2)
    elif mutation == "short-body":
        keep, chars = 0, 0
        while keep < len(slots) and (keep < 2 or chars < 80) and keep < 4:
            chars += sum(len(gold_sq[i]) for i in bm.slot_gold[keep])
            keep += 1
        kept_idx = sorted({i for k in range(keep) for i in bm.slot_gold[k]})
        for slot in slots[keep:]:
            slot.decompose()
        expected = [page.paragraphs[i] for i in kept_idx]
        inject_at(keep - 1, "after", 2)
        slots = slots[:keep]
    elif mutation == "rename-all":
        _rename(list(tree.root.traverse(include_text=False)), rng, names)
        renamed = True
    elif mutation == "rename-body":
        _rename(list(body.traverse(include_text=False)), rng, names)
        renamed = True
    elif mutation == "genuine":
        snippets, lines = genuine_paragraphs(rng, mk, page)
        _insert(slots[mid], "".join(snippets), "after")
        note_neighbours(mid)
        note_neighbours(mid + 1)
        genuine = lines
        # the new lines go right after the middle slot's paragraphs
        last = max(bm.slot_gold[mid]) if bm.slot_gold[mid] else len(expected) - 1
        expected = expected[: last + 1] + lines + expected[last + 1 :]
    else:
        raise ValueError(mutation)
    html = tree.html or ""
    neighbours = [page.paragraphs[i] for i in sorted(neighbour_idx) if page.paragraphs[i] in expected]
    return Mutated(page, mutation, html, expected, blocks, genuine, neighbours, names, renamed)


@cache
def mutated(page_name: str, mutation: str) -> Mutated:
    return build(page_by_name(page_name), mutation)


@cache
def sanity(page_name: str, mutation: str) -> tuple[str, ...]:
    """:func:`generator_problems` of one cached mutated page."""
    return tuple(generator_problems(mutated(page_name, mutation)))


def roundtrip(page: SourcePage) -> str:
    """The page re-serialised exactly as the mutated pages are, with no mutation: the control."""
    tree = LexborHTMLParser(page.html)
    _set_utf8(tree)
    return tree.html or ""


def generator_problems(m: Mutated) -> list[str]:
    """Anything the generator broke: these must be empty for the cleaner to be judged."""
    problems = []
    tree = LexborHTMLParser(m.html)
    text = squash(tree.root.text(deep=True))
    problems += [
        f"expected paragraph not on the mutated page: {p[:40]!r}" for p in m.expected if squash(p) not in text
    ]
    for block in m.blocks:
        problems += [
            f"injected probe not on the mutated page: {p[:40]!r}"
            for p in block.probes
            if squash(p) not in text
        ]
    # the body element keeps its path (nothing is inserted outside it): it must still hold every
    # expected paragraph and every injected block
    bm = locate(m.page.name)
    try:
        body = _at(tree, bm.body)
    except IndexError:
        return [*problems, "body element lost on re-parse"]
    body_text = _text(body)
    problems += [
        f"expected paragraph outside the body: {p[:40]!r}" for p in m.expected if squash(p) not in body_text
    ]
    for block in m.blocks:
        problems += [
            f"{block.kind} block landed outside the body: {p[:40]!r}"
            for p in block.probes
            if squash(p) not in body_text
        ]
    return problems


# --- judging the cleaner --------------------------------------------------------------------


@dataclass
class Result:
    page: str
    mutation: str
    problems: list[str]
    leaks: list[tuple[str, str]]  # (block kind or "page", leaked string)
    recall: float
    precision: float
    error: str | None = None
    leaked_kinds: set[str] = field(default_factory=set)
    kinds: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _clean(html: str, url: str | None):
    from scraper import clean_html

    return clean_html(html.encode("utf-8"), url=url)


@cache
def control_lines(page_name: str) -> frozenset[str]:
    page = page_by_name(page_name)
    try:
        return frozenset(squash(line) for line in _clean(roundtrip(page), page.url).text.split("\n"))
    except Exception:
        return frozenset()


@cache
def original_text(page_name: str) -> str:
    return squash(LexborHTMLParser(page_by_name(page_name).html).root.text(deep=True))


@cache
def outside_body_text(page_name: str) -> tuple[str, str]:
    """(text outside the body element, text of the body element) of the unmutated page, squashed."""
    tree = LexborHTMLParser(page_by_name(page_name).html)
    body = _at(tree, locate(page_name).body)
    inside = _text(body)
    body.decompose()
    return _text(tree.root), inside


def judge(page: SourcePage, expected: list[str], article_text: str) -> tuple[list[str], float, float]:
    """Recall/precision/must_not checks shared by the control and every mutation."""
    problems = []
    recall, precision = recall_precision(article_text, "\n".join(expected))
    flat = squash(article_text)
    if recall < MIN_RECALL:
        lost = [p for p in expected if squash(p) not in flat]
        if lost:
            shown = "; ".join(repr(p[:30]) for p in lost[:3])
            problems.append(f"recall {recall:.3f} < {MIN_RECALL}: {len(lost)} paragraphs lost, e.g. {shown}")
        else:
            problems.append(
                f"recall {recall:.3f} < {MIN_RECALL}: repeated paragraphs or parts of paragraphs lost"
            )
    if precision < MIN_PRECISION:
        want = [squash(p) for p in expected]
        extra = [line for line in article_text.split("\n") if not any(squash(line) in w for w in want)]
        shown = "; ".join(repr(line[:30]) for line in extra[:3])
        problems.append(
            f"precision {precision:.3f} < {MIN_PRECISION}: {len(extra)} lines not in the gold, e.g. {shown}"
        )
    problems += [f"page boilerplate leaked (must_not): {s!r}" for s in page.must_not if squash(s) in flat]
    return problems, recall, precision


def evaluate(m: Mutated) -> Result:
    """Clean a mutated page and list every way the result falls short (empty = pass).

    * the generator must not have broken the page (:func:`generator_problems`);
    * bigram recall >= :data:`MIN_RECALL` and precision >= :data:`MIN_PRECISION` against the
      expected paragraphs; none of the page's own gold ``must_not`` strings in the text;
    * neighbours must survive: every gold paragraph next to an insertion point is in the text;
    * genuine additions come out as lines of their own, exactly;
    * nothing injected survives: no probe (headline, caption, disclaimer, prompt line...) in the
      text, no output line that the unmutated page did not produce and that is injected text
      (catches a bare 相关推荐 or 分享到： heading), no injected image in ``Article.images``.
    """
    gen = sanity(m.page.name, m.mutation) if mutated(m.page.name, m.mutation) is m else generator_problems(m)
    kinds = [b.kind for b in m.blocks]
    if gen:
        return Result(m.page.name, m.mutation, ["GENERATOR: " + p for p in gen], [], 0.0, 0.0, kinds=kinds)
    try:
        article = _clean(m.html, m.page.url)
    except Exception as err:  # a ScraperError on a mutated article page is a failure too
        msg = f"{type(err).__name__}: {err}"
        return Result(m.page.name, m.mutation, [f"raised {msg}"], [], 0.0, 0.0, error=msg, kinds=kinds)
    text = article.text
    images = [im.src for im in article.images]
    problems, recall, precision = judge(m.page, m.expected, text)
    flat = squash(text)
    lines = [squash(line) for line in text.split("\n")]
    line_set = set(lines)
    problems += [f"neighbour paragraph lost: {p[:50]!r}" for p in m.neighbours if squash(p) not in flat]
    problems += [
        f"genuine line not kept as its own line: {g[:50]!r}" for g in m.genuine if squash(g) not in line_set
    ]
    leaks: list[tuple[str, str]] = []
    leaked_kinds: set[str] = set()
    control = control_lines(m.page.name)
    page_text = original_text(m.page.name)
    expected_sq = [squash(p) for p in m.expected]
    for block in m.blocks:
        block_text = squash("".join(block.texts))
        found = [p for p in block.probes if squash(p) in flat]
        for line in lines:
            if not line or line in control or line in page_text or any(line in e for e in expected_sq):
                continue
            if line in block_text and line not in [squash(p) for p in found]:
                found.append(line)
        for img in block.images:
            token = image_token(img)
            found += [f"<img {src}>" for src in images if token in src]
        for s in found:
            leaks.append((block.kind, s))
            leaked_kinds.add(block.kind)
    problems += [f"injected {kind} leaked: {s[:60]!r}" for kind, s in leaks]
    # the page's own text from outside the body (title, time line, recommends, sidebars, footer)
    # must not start coming out because of the mutation
    outside, inside = outside_body_text(m.page.name)
    for line in lines:
        fresh = line and line not in control and not any(line in e for e in expected_sq)
        if fresh and line in outside and line not in inside:
            leaks.append(("page", line))
            problems.append(f"page text from outside the body leaked: {line[:60]!r}")
    return Result(
        m.page.name, m.mutation, problems, leaks, recall, precision, leaked_kinds=leaked_kinds, kinds=kinds
    )


def evaluate_control(page: SourcePage) -> Result:
    try:
        article = _clean(roundtrip(page), page.url)
    except Exception as err:
        return Result(page.name, "control", [f"raised {type(err).__name__}: {err}"], [], 0.0, 0.0)
    problems, recall, precision = judge(page, list(page.paragraphs), article.text)
    return Result(page.name, "control", problems, [], recall, precision)


# --- script mode ----------------------------------------------------------------------------


def report(pages: list[SourcePage], mutations: list[str], show_leaks: int, show_fail: int) -> int:
    results: dict[str, list[Result]] = defaultdict(list)
    for page in pages:
        results["control"].append(evaluate_control(page))
        for mutation in mutations:
            results[mutation].append(evaluate(mutated(page.name, mutation)))
    print(
        f"{len(pages)} pages, seed {SEED}; thresholds recall>={MIN_RECALL} precision>={MIN_PRECISION}, zero leaks\n"
    )
    print(
        f"{'mutation':18} {'pass':>9}  {'rate':>6}  {'recall':>6} {'prec':>6}  {'raised':>6}  {'gen-bug':>7}  {'leaky':>5}"
    )
    total_ok = total = 0
    for name in ["control", *mutations]:
        rs = results[name]
        ok = sum(r.ok for r in rs)
        if name != "control":
            total_ok, total = total_ok + ok, total + len(rs)
        raised = sum(r.error is not None for r in rs)
        gen = sum(any(p.startswith("GENERATOR") for p in r.problems) for r in rs)
        leaky = sum(bool(r.leaks) for r in rs)
        mr = sum(r.recall for r in rs) / len(rs)
        mp = sum(r.precision for r in rs) / len(rs)
        print(
            f"{name:18} {ok:>4}/{len(rs):<4}  {ok / len(rs):6.1%}  {mr:6.3f} {mp:6.3f}  {raised:>6}  {gen:>7}  {leaky:>5}"
        )
    print(f"{'ALL mutations':18} {total_ok:>4}/{total:<4}  {total_ok / max(total, 1):6.1%}\n")
    placed: Counter[str] = Counter()
    leaked: Counter[str] = Counter()
    for name in mutations:
        for r in results[name]:
            if r.error is None and not any(p.startswith("GENERATOR") for p in r.problems):
                placed.update(r.kinds)
                leaked.update(k for k in r.kinds if k in r.leaked_kinds)
    if placed:
        print(
            f"{'block kind':16} {'leaked/placed':>14}  (a block counts as leaked if any of its text survives)"
        )
        for kind in KINDS:
            if placed[kind]:
                print(f"{kind:16} {leaked[kind]:>6}/{placed[kind]:<6}  {leaked[kind] / placed[kind]:6.1%}")
        print()
    kinds_of_problem: Counter[str] = Counter()
    for name in mutations:
        for r in results[name]:
            for p in r.problems:
                kinds_of_problem[re.sub(r"\d[\d.]*", "N", re.sub(r"[:(].*", "", p)).strip()] += 1
    print("problem types:")
    for k, v in kinds_of_problem.most_common():
        print(f"  {v:5}  {k}")
    if show_leaks:
        print(f"\nleaked strings (up to {show_leaks} per mutation, 2 per page; kind 'page' = the page's own")
        print("text from outside the body, which the unmutated page did not let through):")
        for name in mutations:
            shown = 0
            for r in results[name]:
                for kind, s in r.leaks[:2]:
                    print(f"  {name:15} {r.page[:28]:28} {kind:15} {s[:70]}")
                    shown += 1
                if shown >= show_leaks:
                    break
    if show_fail:
        print("\nnon-leak problems:")
        shown = 0
        for name in ["control", *mutations]:
            for r in results[name]:
                for p in r.problems:
                    if "leaked" in p:
                        continue
                    print(f"  {name:15} {r.page[:28]:28} {p[:100]}")
                    shown += 1
                    break
                if shown >= show_fail:
                    break
    return 0 if total_ok == total else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--report", action="store_true", help="clean every mutated page and print pass rates")
    ap.add_argument("--pages", default="", help="regex on page names (default: all)")
    ap.add_argument("--mutations", default=",".join(MUTATIONS), help="comma-separated mutation names")
    ap.add_argument("--leaks", type=int, default=25, help="how many leaked strings to print")
    ap.add_argument("--fails", type=int, default=25, help="how many non-leak problems to print")
    ap.add_argument("--dump", nargs=2, metavar=("PAGE", "MUTATION"), help="print one mutated page's HTML")
    ap.add_argument("--blocks", action="store_true", help="with --dump: print the injected blocks instead")
    args = ap.parse_args(argv)
    if args.dump:
        m = mutated(*args.dump)
        if args.blocks:
            for b in m.blocks:
                print(f"--- {b.kind}\n{b.html}\nprobes: {b.probes}\n")
            print("generator problems:", generator_problems(m))
        else:
            sys.stdout.write(m.html)
        return 0
    pages = [p for p in load_pages() if re.search(args.pages, p.name)]
    mutations = [m for m in args.mutations.split(",") if m]
    return report(pages, mutations, args.leaks, args.fails)


if __name__ == "__main__":
    sys.exit(main())
