"""Tolerant text patterns for NetEase boilerplate: list headings, disclaimers, app prompts, chrome lines.

These look at what a block *says*, with any punctuation, brackets, arrows and wording variants, so a
reworded disclaimer or a new heading decoration still matches. Every pattern is bounded by length:
a boilerplate line is short, an article sentence that happens to mention 二维码 or 客户端 is long.
Structure (links, position) is judged in ``prune.py``; this module only reads text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from .regexchars import required_chars, with_first_char_prefilter

__all__ = [
    "is_chrome_text",
    "is_closed_section_heading",
    "is_list_heading",
    "is_original_title",
    "is_separator",
    "split_heading_prefix",
]

# Characters that decorate a heading: punctuation, brackets, arrows, bullets, dots, dashes, spaces.
_DECORATION = re.compile(r"[\s\W_]+", re.UNICODE)

# A list heading is short and made of these morphemes: 相关推荐, 【延伸阅读】, ▶ 热门推荐 », 往期回顾：...
_HEADING = re.compile(
    r"^(?:(?:相关|热点|热门|重点|延伸|推荐|精彩|往期|更多|猜你|为你|为您|编辑|今日|本周|热文|热读|大家都在|"
    r"你可能|网友都在|看了本文的人还|阅读|点击|最新|专题|精选|扩展|拓展|小编|深度|独家|本站)"
    r"(?:推荐|阅读|新闻|文章|报道|回顾|专题|喜欢|爱看|链接|精彩|精选|内容|看|排行|排行榜|热点|感兴趣|还喜欢|"
    r"还看了|资讯|好文|热文|阅读推荐|策划|聚焦|视频|图集|图片|关注|话题|热榜|榜单|)?"
    r"(?:推荐|阅读|精选|更多)?|专题|推荐|更多|热搜|热榜|排行榜?|相关|\d+小时热[榜点搜]|"
    r"(?:热门|精彩|网友|最新|全部)(?:评论|跟贴|跟帖)|作者简介|关于作者|投票|网友投票|互动话题|相关标签|标签)$"
)
_HEADING_MAX = 12  # characters once decorations are gone
_MORE_TAIL = re.compile(r"(?:更多|查看更多|MORE|more)$")

# One line that is NetEase chrome wherever it appears: (pattern, longest line it may be).
_CHROME: tuple[tuple[re.Pattern[str], int], ...] = (
    # 网易号 disclaimers, reworded: 特别声明 / 声明 / 免责声明 ... 网易 / 自媒体 / 仅代表 / 不代表
    (re.compile(r"^[【\[（(<「]?(?:特别|重要|免责|版权)声明[】\]）)>」]?.{0,400}?(?:自媒体|网易|平台|信息存储|上传|仅代表|不代表|观点|版权|侵权)"), 800),
    (re.compile(r"^[【\[（(<「]?声明[】\]）)>」]?[:：].{0,400}?(?:自媒体|网易号|信息存储|仅提供信息|用户上传|作者上传)"), 800),
    (re.compile(r"^(?:本文|此文|该文|以上内容|以上文章)(?:为|系|来自|由|来源于)?.{0,20}(?:网易号|自媒体|作者上传|用户上传)"), 400),
    (re.compile(r"^(?:[Nn]otice|NOTICE|[Dd]isclaimer)[:：]?.{0,400}(?:NetEase|Netease|netease|contentabove|socialmedia|informationstorage|uploaded)"), 800),
    (re.compile(r"已入驻\d+年|入驻网易号"), 60),
    (re.compile(r"网友评论.{0,10}(?:仅代表|不代表)|文明上网|理性发言|跟贴服务协议|跟贴已关闭|抢沙发|我来说两句|说两句"), 60),
    (re.compile(r"跟贴|跟帖"), 30),
    (re.compile(r"查看(?:全部|更多)?\d*条?(?:评论|跟贴|跟帖|回复)"), 40),
    # paywalls and expanders
    (re.compile(r"剩余\s*\d+\s*(?:%|字|％)|继续阅读|阅读全文|展开全文|全文阅读|免费阅读"), 50),
    # site footers: licences, nav rows of 4+ short items separated by |
    (re.compile(r"本站所刊载|本网站所刊载|AboutNetEase|许可证编号|信息服务许可证"), 150),
    (re.compile(r"^[^，。]*(?:公司简介|隐私政策|网站地图|联系我们)[^，。]*$"), 60),
    (re.compile(r"^[^|｜]{1,12}(?:[|｜][^|｜]{1,12}){3,}$"), 100),
    # ad labels closing a line: "...今日开服第22区 AD", "... 广告 ×"
    (re.compile(r"(?:广告|推广|赞助)[×xX]$|AD[×xX]?$"), 60),  # see also _AD_LABEL_AFTER_SPACE
    # likes, reads and font-size controls
    (re.compile(r"^\W*\d+[万wk]?人?(?:已赞|点赞|赞过|喜欢|收藏|阅读|浏览|在看)\W*$|^\W*(?:阅读|浏览|播放|点赞)\W*[\d.]+[万wk]?\W*$|^字号"), 30),
    # republication notices, WeChat-style promos, ratings, hashtag rows, feedback links, sponsor labels
    (re.compile(r"^[【\[（(<「]?(?:特别|免责)?声明[】\]）)>」]?[:：].{0,200}(?:传递更多信息|侵犯了?您|及时(?:更正|删除)|联系我们删除)"), 300),
    (re.compile(r"关注.{0,3}公众号|公众号[:：]|微信搜索|微信号[:：]|点.?在看|点个?赞|分享给更多人|星标"), 60),
    (re.compile(r"打分|评分[:：]|★★|☆|\d+人评价"), 40),
    (re.compile(r"^(?:#[^#]{1,30}#)+$"), 200),
    (re.compile(r"举报|意见反馈|投诉"), 24),
    (re.compile(r"赞助内容|推广内容|广告\W*赞助|^广告[|·:：]"), 60),
    (re.compile(r"^(?:作者简介|关于作者|作者介绍|编者按简介)[:：]"), 300),
    (re.compile(r"^(?:投票|网友投票|互动话题)[:：]"), 80),
    (re.compile(r"推广[·|｜]|[·|｜]推广"), 40),
    (re.compile(r"[（(]ID[:：]"), 60),
    (re.compile(r"^[-—_=*~─━\s]{2,}(?:END|End|end|完|全文完)[-—_=*~─━\s]{2,}$"), 20),
    # app / QR prompts
    (re.compile(r"(?:打开|下载|安装|前往|用|使用|登录|扫码|扫描|扫一扫|长按|识别|点击|进入).{0,12}(?:网易新闻|网易客户端|客户端|APP|App|app|二维码|小程序)"), 50),
    (re.compile(r"扫码|扫一扫|长按识别|识别二维码|扫描二维码|扫描下方|扫描上方"), 40),
    (re.compile(r"(?:二维码|客户端|APP|App|app).{0,12}(?:下载|打开|查看|观看|体验|阅读|识别|关注|扫)"), 50),
    (re.compile(r"^(?:查看|观看|浏览)(?:精彩|完整|更多|高清|全部)(?:图片|视频|内容|图集)"), 30),
    # share bars, next-article links, expanders, back-home lines
    (re.compile(r"^\W*(?:分享(?:到|至|给)|转发(?:到|至|给)|一键分享)"), 60),
    (re.compile(r"^\W*(?:上一篇|下一篇|阅读下一篇|下一页|上一页)"), 60),
    (re.compile(r"^\W*(?:展开|查看|阅读|继续|加载|点击)(?:阅读)?(?:全文|更多|剩余|余下)"), 30),
    (re.compile(r"^\W*返回.{0,10}(?:首页|频道|顶部|列表)"), 40),
    (re.compile(r"^\W*(?:返回|回到|回至)\w{0,8}\W*$"), 16),
    (re.compile(r"进入.{0,8}频道|看更多精彩|更多精彩内容"), 30),
    # author cards and comment counters: two or more counted labels
    (re.compile(r"(?:(?:粉丝|文章|关注|获赞|作品|阅读|篇文章|人关注|文章数|关注度|粉丝数)\s*[:：]?\s*[\d.]+[万wk]?.*){2,}"), 80),
    (re.compile(r"(?:\d+\s*(?:篇文章|人关注|粉丝|关注度|文章数|获赞)){2,}"), 80),
    (re.compile(r"(?:跟贴|跟帖|评论)\s*[:：]?\s*\d+|\d+\s*(?:跟贴|跟帖|人参与|参与)"), 40),
    # footers: copyright, licences, report hotlines
    (re.compile(r"(?:[Cc]opyright|COPYRIGHT|©)(?:19|20)\d\d|网易公司版权所有|[Aa]ll[Rr]ights[Rr]eserved|ICP[备证]\d|增值电信业务|不良信息举报|B2-\d{6,}"), 200),
    # ad labels
    (re.compile(r"^(?:广告|推广|赞助|AD|Ad)(?:$|[\s:：|])"), 40),
    # a date-time line with labels only (the time/source line of the header, a forum post line)
    (re.compile(r"^\W*(?:发布时间|发表于|时间)?\W*(?:19|20)\d\d[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)[^，。！？,!?]*$"), 60),
    (re.compile(r"(?:发布时间|发表于)\W*(?:19|20)\d\d[-/.年]\d{1,2}[-/.月]\d{1,2}"), 80),
    # a list item's byline: "publisher 2024-12-21 16:22:12", "18小时前"
    (re.compile(r"(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2}\d{1,2}:\d{2}(?::\d{2})?$"), 40),
    (re.compile(r"^\d+(?:秒|分钟|小时|天)前$"), 10),
    # separator rules (----, ====, ****): decoration, not text
    (re.compile(r"^[-_=*~—─━·.。]{5,}$"), 200),
    # breadcrumbs: 网易首页 > 新闻中心 > 正文
    (re.compile(r"^[^>＞›»]{1,12}(?:\s*[>＞›»]\s*[^>＞›»]{1,14}){2,}$"), 60),
)  # fmt: skip


_SEPARATOR = re.compile(r"^[-_=*~—─━·.]{5,}$")
_ORIGINAL_TITLE = re.compile(r"^[（(]\s*原标题\s*[:：]")


# Headings of sections that are never article text, whatever follows them: comments, author bios, polls.
_CLOSED_SECTION = re.compile(
    r"^(?:(?:热门|精彩|网友|最新|全部)(?:评论|跟贴|跟帖|留言)|作者简介|关于作者|作者介绍|网友投票|为本文打分|相关标签|文章标签)$"
)


def is_closed_section_heading(text: str) -> bool:
    """True for the heading of a comments box, an author bio, a poll or a tag row."""
    bare = _undecorated(text)
    return 0 < len(bare) <= _HEADING_MAX and bool(_CLOSED_SECTION.match(bare))


def is_separator(text: str) -> bool:
    """True for a rule drawn in characters (``------``, ``=====``): a signature or a footer follows it."""
    return bool(_SEPARATOR.match("".join(text.split())))


def is_original_title(text: str) -> bool:
    """True for NetEase's 「（原标题：…）」 line, which opens a body."""
    return bool(_ORIGINAL_TITLE.match(text.strip()))


def _undecorated(text: str) -> str:
    return _DECORATION.sub("", text)


def is_list_heading(text: str) -> bool:
    """True for a heading of a list of other articles: 相关推荐, 【延伸阅读】, ▶热门推荐 更多>>, 专题："""
    if len(text) > 4 * _HEADING_MAX:
        return False  # cheap exit for paragraphs (and only short texts go in the cache)
    return _is_short_list_heading(text)


@lru_cache(maxsize=1024)  # asked of the same line by several judges (chrome, line kind, prefix)
def _is_short_list_heading(text: str) -> bool:
    bare = _undecorated(text)
    if not bare or len(bare) > _HEADING_MAX:
        return False
    if bare != "更多":
        bare = _MORE_TAIL.sub("", bare) or bare
    return bool(_HEADING.match(bare))


_HEADING_PREFIX = re.compile(
    r"^\s*[【\[（(<「《▶►»>◆●■★☆·•\-—]*\s*([^\s:：|｜】\]）)>」》]{2,10})\s*[】\]）)>」》]?\s*[:：|｜>»】]\s*"
)


def split_heading_prefix(text: str) -> str | None:
    """The text after a list heading used as a line prefix (``相关阅读：<headline>``); None if there is none."""
    m = _HEADING_PREFIX.match(text)
    if not m or not is_list_heading(m.group(1)):
        return None
    rest = text[m.end() :].strip()
    return rest or None


# Share targets: a line made of nothing else is a share bar ("分享给朋友：微博 易信 朋友圈").
_SHARE_WORDS = re.compile(
    r"QQ空间|QQ好友|QQ|微信好友|微信|朋友圈|新浪微博|腾讯微博|微博|豆瓣|易信|人人网|LOFTER|有道云笔记|复制链接|"
    r"收藏|举报|分享给朋友|分享|转发|点赞|评论|打赏|手机看|扫一扫"
)
_SHARE_LINE_MAX = 60
# A letter (what _is_share_bar keeps: a word character, not a digit or _) found in no share word.
_NOT_IN_SHARE_WORDS = re.compile(
    "[^\\W\\d_" + re.escape("".join(sorted(set(_SHARE_WORDS.pattern) - set("|")))) + "]"
)
# An ad's label set apart at the end of its line: "…今日开服第22区 广告", "… · 推广 ×" (not "…做广告").
_AD_LABEL_AFTER_SPACE = re.compile(r"[\s·|｜](?:广告|推广|赞助|AD|Ad)\s*[×xX]?\s*$")
_AD_LINE_MAX = 60


@dataclass(frozen=True, slots=True)
class _ChromeRule:
    """One chrome pattern as it is tried on a compact line: ``find`` is its match or search."""

    find: Callable[[str], re.Match[str] | None]
    limit: int  # the longest line it may be


def _rule(pattern: re.Pattern[str], limit: int) -> _ChromeRule:
    if pattern.pattern.startswith("^"):
        return _ChromeRule(pattern.match, limit)  # tried at position 0 only
    if pattern.flags & re.IGNORECASE:
        return _ChromeRule(pattern.search, limit)  # the prefilter reads the pattern's text, not its flags
    # Searched, skipping ahead by its first characters.
    return _ChromeRule(re.compile(with_first_char_prefilter(pattern.pattern), pattern.flags).search, limit)


def _rules_by_trigger(
    patterns: tuple[tuple[re.Pattern[str], int], ...],
) -> tuple[dict[str, tuple[int, ...]], tuple[int, ...]]:
    """For each character, the rules (by index in _RULES) that need it; and the rules that need none.

    Every match of a rule holds one of its required characters (``regexchars.required_chars``),
    so a line is tried only against the rules whose characters it holds: two or three of fifty.
    """
    by_char: dict[str, list[int]] = {}
    untriggered: list[int] = []
    for index, (pattern, _limit) in enumerate(patterns):
        chars = None if pattern.flags & re.IGNORECASE else required_chars(pattern.pattern)
        if chars is None:
            untriggered.append(index)
            continue
        for char in chars:
            by_char.setdefault(char, []).append(index)
    return {char: tuple(rules) for char, rules in by_char.items()}, tuple(untriggered)


_RULES = tuple(_rule(pattern, limit) for pattern, limit in _CHROME)
_RULES_BY_TRIGGER, _UNTRIGGERED_RULES = _rules_by_trigger(_CHROME)


def _any_of(chars: Iterable[str] | None) -> re.Pattern[str]:
    """A search for any of ``chars``; for any character at all when they are not known."""
    listed = "".join(re.escape(char) for char in sorted(chars or ()))
    return re.compile(f"[{listed}]" if listed else r"[\s\S]")


_TRIGGER = _any_of(_RULES_BY_TRIGGER)
# The patterns that may match a line ending in 。: disclaimers, notices, the 网易号 line, comment rules.
_SENTENCE_CHROME = re.compile(
    "|".join(
        f"(?:{p.pattern.removeprefix('^')})"
        for p, _ in _CHROME
        if p.pattern.startswith(("^[【", "^(?:本文", "^(?:[Nn]otice", "^(?:作者简介"))
    )
    + r"|.{0,10}网友评论.{0,10}(?:仅代表|不代表)|.{0,20}(?:文明上网|理性发言)"
)
_SENTENCE_TRIGGER = _any_of(required_chars(_SENTENCE_CHROME.pattern))
_CHROME_MAX = max(limit for _, limit in _CHROME)
_CACHED_LINE_MAX = 2 * _CHROME_MAX  # characters, spaces included: longer lines are judged uncached


def is_chrome_text(text: str) -> bool:
    """True for a line that is NetEase chrome: a disclaimer, app prompt, share bar, card, footer ..."""
    if len(text) > _CACHED_LINE_MAX:
        return _is_chrome_line(text)  # a whole article on one line (<br> bodies): not worth keeping
    return _is_chrome_line_cached(text)


# Small on purpose: a page's lines are checked twice (as blocks when pruning, as output lines), and
# site chrome repeats from page to page; a big cache would only hold article text seen once.
@lru_cache(maxsize=512)
def _is_chrome_line_cached(text: str) -> bool:
    return _is_chrome_line(text)


def _is_chrome_line(text: str) -> bool:
    compact = "".join(text.split())
    if not compact or len(compact) > _CHROME_MAX:
        return False
    if len(compact) <= _AD_LINE_MAX and _has_ad_label(text) and _AD_LABEL_AFTER_SPACE.search(text):
        return True
    return _is_chrome_compact(compact)


# The same line reads with or without spaces between its inline parts (pruning joins them with one,
# the output does not): this cache holds what both readings share.
@lru_cache(maxsize=512)
def _is_chrome_compact(compact: str) -> bool:
    if is_list_heading(compact):
        return False  # headings are judged with what follows them (prune.py)
    if len(compact) <= _SHARE_LINE_MAX and _is_share_bar(compact):
        return True
    if compact.endswith("。"):
        # A finished sentence is article text unless it is a disclaimer or a notice (they end in 。 too).
        return _SENTENCE_TRIGGER.search(compact) is not None and _SENTENCE_CHROME.match(compact) is not None
    return _matches_a_rule(compact)


def _matches_a_rule(compact: str) -> bool:
    """True when a chrome rule that may apply to ``compact`` (by its characters and length) matches it."""
    candidates = set(_UNTRIGGERED_RULES)
    for char in set(_TRIGGER.findall(compact)):
        candidates.update(_RULES_BY_TRIGGER[char])
    length = len(compact)
    return any(length <= _RULES[i].limit and _RULES[i].find(compact) for i in candidates)


def _has_ad_label(text: str) -> bool:
    # Spelt out: cheaper than any() over _AD_LABELS, and this runs on every short line.
    return "广告" in text or "推广" in text or "赞助" in text or "AD" in text or "Ad" in text


def _is_share_bar(compact: str) -> bool:
    # A share bar keeps at most one letter once its share words are gone, so a line with two letters
    # that occur in no share word is none (most lines: a search or two, instead of two rewrites).
    if (other := _NOT_IN_SHARE_WORDS.search(compact)) and _NOT_IN_SHARE_WORDS.search(compact, other.end()):
        return False
    rest, found = _SHARE_WORDS.subn("", compact)
    return found > 0 and len(re.sub(r"[\W\d_]+", "", rest)) <= 1
