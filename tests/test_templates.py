"""Template traps, each on a minimal page: the field must come from the right place."""

from __future__ import annotations

import pytest

from scraper import ParseError, clean_html
from scraper.clean.page import Page
from scraper.clean.templates.pc_2021 import Pc2021

PC2021 = """<html><head><title>标题文字|关键词_网易订阅</title><meta name="author" content="网易">
<meta property="og:image" content="https://static.ws.126.net/163/f2e/product/post_nodejs/static/logo.png"></head>
<body><div id="contain" data-docid="K1234567890ABCDE"><div class="post_main">
<h1 class="post_title">标题文字</h1>
<div class="post_info">2024-05-13 09:16:04　来源: <a href="https://www.163.com/dy/media/T1.html">某某号</a>
<img src="https://static.ws.126.net/ipLocation.svg">北京 <a class="post_jubao">举报</a></div>
<div class="post_content"><div class="post_body"><p>第一段正文，足够长的一句话。</p>
<p class="f_center"><img src="https://nimg.ws.126.net/?url=http%3A%2F%2Fdingyue.ws.126.net%2Fa.jpg&thumbnail=660x0"></p>
<p class="f_center">图说</p></div>
<div class="post_statement"><p>特别声明：以上内容(如有图片或视频亦包括在内)为自媒体平台“网易号”用户上传并发布</p></div></div>
<div class="post_next" data-ptime="2030-01-01 00:00:00"><h3><a>下一篇</a></h3></div>
<div class="post_recommends"><ul><li>相关推荐的标题</li></ul></div></div></div></body></html>"""


def test_pc2021_traps() -> None:
    article = clean_html(PC2021)
    assert article.template == "pc-2021"
    assert article.title == "标题文字"
    assert article.published_at == "2024-05-13T09:16:04+08:00"  # not the next article's data-ptime
    assert article.source == "某某号"
    assert article.source_url == "https://www.163.com/dy/media/T1.html"
    assert article.location == "北京"
    assert article.author is None  # <meta name=author content=网易> is not an author
    assert article.docid == "K1234567890ABCDE"
    assert [(i.src, i.caption) for i in article.images] == [("http://dingyue.ws.126.net/a.jpg", "图说")]
    assert article.paragraphs == ["第一段正文，足够长的一句话。", "图说"]


def test_a_data_docid_is_read_with_the_one_docid_pattern() -> None:
    # A real docid (netease-pages/zhhsx-new.html) with a W in its first 8 characters: the templates once
    # required base-32 there and fell back to other sources; now every reader uses urls.DOCID_RE.
    page = PC2021.replace("K1234567890ABCDE", "FGN5RT2W0519EO06")
    assert clean_html(page).docid == "FGN5RT2W0519EO06"
    assert clean_html(PC2021.replace("K1234567890ABCDE", "k1234567890abcde")).docid is None


def test_editor_code_and_author_from_source_line() -> None:
    html = PC2021.replace(
        '<div class="post_statement">',
        '<div class="post_author">本文来源：新京报 作者：张三 李四 责任编辑：王五_NB26578</div><div class="post_statement">',
    )
    article = clean_html(html)
    assert (article.author, article.editor) == ("张三 李四", "王五")
    assert "责任编辑" not in article.text


def test_template_page_without_body_is_no_body() -> None:
    html = PC2021.replace("<p>第一段正文，足够长的一句话。</p>", "").replace(
        '<p class="f_center">图说</p>', ""
    )
    with pytest.raises(ParseError) as err:
        clean_html(html)
    assert err.value.reason == "no_body"


def test_unknown_netease_layout_uses_the_fallback() -> None:
    first = "这是第一段足够长的正文内容，用来让通用抽取器认出文章主体，并且包含多个句子。" * 3
    second = "第二段讲的是另一件事情，同样写得足够长，以便抽取器把它当作正文的一部分。" * 3
    html = (
        "<html><head><title>某文章_网易新闻</title></head><body><div class='ntes_nav_wrap'>网易首页 新闻 体育</div>"
        f"<div class='weird'><h1>某文章</h1><div class='txt'><p>{first}</p><p>{second}</p></div></div>"
        "<div class='N-nav-bottom'>©1997-2026 网易公司版权所有</div></body></html>"
    )
    article = clean_html(html, url="https://news.163.com/26/0101/10/ABCDEFGH12345678.html")
    assert article.template == "fallback"
    assert article.title == "某文章"
    assert article.docid == "ABCDEFGH12345678"
    assert article.paragraphs == [first, second]


def test_short_unknown_layout_article_is_kept_but_headline_lists_are_not() -> None:
    frame = (
        "<html><head><title>{title}_网易新闻</title></head><body><div class='ntes_nav_wrap'>网易首页</div>"
        "<div class='weird'><h1>{title}</h1><div class='txt'>{body}</div></div></body></html>"
    )
    short = "记者从市应急管理局获悉，今天上午全市共发生两起轻微事故。无人员伤亡。"
    article = clean_html(frame.format(title="简讯", body=f"<p>{short}</p>"))
    assert article.paragraphs == [short]
    headlines = "".join(
        f"<p><a href='/a{i}.html'>国产芯片设计企业扎堆上市 估值分化明显{i}</a></p>" for i in range(9)
    )
    with pytest.raises(ParseError) as err:
        clean_html(frame.format(title="网易科技", body=headlines))
    assert err.value.reason == "not_an_article"


_BODY = '<div class="post_body"><p>第一段正文，足够长的一句话，讲了一件事。</p></div>'


@pytest.mark.parametrize(
    ("frame", "is_2021"),
    [
        (f'<div class="post_main"><div class="post_content">{_BODY}</div></div>', True),
        # 关怀版: no .post_main, the headline's class is the mark
        (f'<h1 class="post_title">标题</h1><div class="wrap">{_BODY}</div>', True),
        # the 2014 layout's .post_body sits in .post_content_main; a post_title elsewhere does not make it 2021
        (f'<div class="post_content_main"><h1>标题</h1>{_BODY}</div><h1 class="post_title">侧栏</h1>', False),
        (f'<div class="wrap">{_BODY}</div>', False),
    ],
)
def test_pc2021_is_told_by_the_frame_around_its_body(frame: str, is_2021: bool) -> None:
    assert Pc2021().matches(Page(f"<html><body>{frame}</body></html>")) is is_2021
