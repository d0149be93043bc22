"""NetEase boilerplate as data: blocks to drop inside a body, and lines to drop from any output.

Applies to template output and to the trafilatura fallback's output alike
(see research/netease-structure.md §3 and gold-convention.md).
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from .labels import is_chrome_text

__all__ = ["PAGE_CHROME_SELECTOR", "is_boilerplate_line", "remove_noise"]

# Blocks that sit inside a body container but are not article text.
_BODY_NOISE = (
    # share bars, report links, font-size controls
    ".post_topshare_wrap", ".post_topshare", ".post_btmshare", ".post_share", ".share_box", ".post_top",
    ".post_tie_top", ".post_jubao", ".post_size_ctrl", ".nt-wx2dcode-pop", ".to_hide", ".to_show",
    # source/editor lines (read as metadata first), disclaimers
    ".ep-source", ".ep-editor", ".post_author", ".post_statement", ".statement", ".article-footer",
    # related lists, special tags, recommendations
    ".related_article", ".related_special", ".special_tag", "pre[datatype]", ".post_recommend",
    ".post_recommends", ".post_next", ".next",
    # ads
    ".gg200x300", ".at_item", ".right_ad_item", ".ad_hover_href", ".post_topad", "[adType]", ".common_ad_item",
    ".gg300", ".ad_module", ".post_content_endad", ".ep-ad", ".ad",
    # comments, video players' fallback, app prompts
    "#post_comment_area", ".post_comment", ".tie-areas", ".js-open-app", ".s-tip", ".main-openApp",
    ".video-list", ".vjs-control-bar", ".js-pay-wrap", ".unfold-wrap",
    # editor's hidden notes
    ".hidden", ".hide",
)  # fmt: skip

# Page-level chrome around the article, removed before an unknown layout goes to trafilatura.
_PAGE_CHROME = (
    "#js_N_NTES_wrap", ".ntes_nav_wrap", "#js_N_nav", ".ntes-nav", ".ntes-quicknav", ".N-nav-channel",
    ".N-nav-bottom", ".ntes_foot_link", ".post_crumb", ".ep-crumb", ".ep-keywords", ".mod-f14list", ".post_side", ".post_wemedia",
    "#epContentRight", ".post_content_side", ".ep-title-2", "#js-epTabRank", ".colum_wrap", ".hot-search",
    "section.recommend", "section.comment", ".floatMenu", ".post_next_post_wrap", "header", "footer", "nav",
)  # fmt: skip
PAGE_CHROME_SELECTOR = ", ".join(_PAGE_CHROME + _BODY_NOISE)

# Lines that are NetEase chrome wherever they appear (trafilatura output included).
_LINE_PREFIXES = (
    "特别声明：以上内容", "特别声明:以上内容", "Notice: The content above", "本文来源：", "本文来源:",
    "责任编辑：", "责任编辑:", "（责任编辑：", "(责任编辑：", "(责任编辑:", "打开网易新闻", "下载网易新闻客户端",
    "网友评论仅供其表达个人看法", "用微信扫码二维码", "分享至好友和朋友圈", "© 1997-", "©1997-",
)  # fmt: skip
_LINE_EXACT = frozenset(
    {"举报", "分享至", "分享到", "分享到：", "阅读下一篇", "返回网易首页", "相关推荐", "热点推荐", "为您推荐",
     "无障碍浏览", "进入关怀版", "延伸阅读", "猜你喜欢", "热门跟贴", "热搜", "回到顶部", "回到首页",
     "加载更多新闻", "打开APP发贴", "T + -", "T+-", "打开网易新闻体验更佳", "查看精彩图片", "查看更多视频"}
)  # fmt: skip
_LINE_PATTERNS = re.compile(
    r"^\d+\s*文章数\s*\d*\s*关注度|^往期回顾|^\d+\s*跟贴\s*\d*\s*参与|^网易公司版权所有|^\d+\s*篇文章\s*\d+\s*人关注"
)


def is_boilerplate_line(line: str) -> bool:
    """True for a paragraph that is NetEase chrome (disclaimer, source/editor line, share label ...)."""
    return (
        line in _LINE_EXACT
        or line.startswith(_LINE_PREFIXES)
        or bool(_LINE_PATTERNS.match(line))
        or is_chrome_text(line)
    )


# The bare class selectors by their lower-cased class word, and the rest (always asked).
_BARE_CLASS = re.compile(r"\.[A-Za-z_][\w-]*")
_NOISE_BY_CLASS = {sel[1:].lower(): sel for sel in _BODY_NOISE if _BARE_CLASS.fullmatch(sel)}
_NOISE_OTHERS = tuple(sel for sel in _BODY_NOISE if not _BARE_CLASS.fullmatch(sel))


def remove_noise(body: LexborNode) -> None:
    """Delete boilerplate blocks inside ``body`` (in place)."""
    for node in body.css(_noise_selector_for(body)):
        node.decompose()


def _noise_selector_for(body: LexborNode) -> str:
    """The noise selectors that can match inside ``body``: the bare class ones whose word it uses.

    lexbor tries every selector of a union on every element, so the union of all ~50 costs more
    than reading the body's class words (one query) and asking only for the few present. Words are
    compared lower-cased, because old pages in quirks mode match class names case-insensitively.
    """
    words = {word.lower() for node in body.css("[class]") for word in (node.attrs.get("class") or "").split()}
    # Sorted, so that the same words always make the same selector text.
    present = sorted(_NOISE_BY_CLASS[word] for word in words & _NOISE_BY_CLASS.keys())
    return ", ".join((*present, *_NOISE_OTHERS))
