"""Structural pruning on small hand-written bodies: what goes, and what must stay.

Each case is a 网易号-style page whose body holds three real paragraphs plus one block; class names
are invented, so only structure and wording can tell the block apart. Every case runs twice: through
the ``pc-2021`` template and through the template-free path.
"""

from __future__ import annotations

import contextlib

import pytest

from scraper.clean import clean_html, clean_with

OWN = "K1A2B3C4D5E6F7G8"
REAL = (
    "记者从市交通运输局获悉，今年全市将新开通公交线路十二条，优化调整线路三十条，进一步方便市民出行。",
    "据介绍，新开通的线路主要覆盖新建居住区、产业园区和学校周边，首末班时间将根据客流情况动态调整。",
    "市交通运输局相关负责人表示，下一步还将加密早晚高峰班次，并在重点站点增设候车亭和实时到站显示屏。",
)


def other(n: int) -> str:
    return f"https://www.163.com/dy/article/K9Z{n:02d}ABCDEFGH123.html"


def page(block: str, *, where: str = "end") -> str:
    paras = [f"<p>{p}</p>" for p in REAL]
    if where == "start":
        paras.insert(0, block)
    elif where == "middle":
        paras.insert(2, block)
    else:
        paras.append(block)
    return (
        "<html><head><title>公交新线路_网易订阅</title>"
        f'<link rel="canonical" href="https://www.163.com/dy/article/{OWN}.html"></head><body>'
        '<div class="post_main"><h1 class="post_title">公交新线路</h1>'
        '<div class="post_info">2025-03-01 10:00:00　来源: <a href="https://www.163.com/dy/media/T1.html">城市报道</a></div>'
        f'<div class="post_body">{"".join(paras)}</div></div></body></html>'
    )


def both(html: str) -> list[str]:
    url = f"https://www.163.com/dy/article/{OWN}.html"
    return [clean_html(html, url=url).text, clean_with(html, url, templates=()).text]


def assert_real_kept(texts: list[str]) -> None:
    for text in texts:
        for paragraph in REAL:
            assert paragraph in text.split("\n")


BLOCKS = {
    "headed list": '<div class="q1"><h3>◆ 延伸阅读 ◆</h3><ul><li><a href="{0}">某地推出新政策，市民点赞</a></li>'
    '<li><a href="{1}">第二条相关新闻标题在这里</a></li></ul></div>',
    "bracket heading, p run": '<p><strong>【相关新闻】</strong></p><p><a href="{0}">某地推出新政策市民点赞</a></p>'
    '<p><a href="{1}">第二条相关新闻标题在这里</a></p>',
    "related line": '<p>相关阅读：<a href="{0}">公交站台改造完成，市民出行更便利</a></p>',
    "bare link run": "".join(f'<p><a href="{{{i}}}">第{i}条推荐的新闻标题文字</a></p>' for i in range(3)),
    "teaser cards": "".join(
        f'<div class="c{i}"><a href="{{{i}}}">标题{i}号：新能源车销量增长</a><p>据统计，今年新能源车销量同比增长三成，市场持续升温。</p></div>'
        for i in range(3)
    ),
    "promo images": '<table><tr><td><a href="{0}"><img src="https://img.example.com/p1.jpg"></a></td>'
    '<td><a href="{1}"><img src="https://img.example.com/p2.jpg"></a></td></tr></table>',
    "poll": '<div class="v9"><p>你支持这项新政策吗？</p><label><input type="radio">支持</label>'
    '<label><input type="radio">反对</label><a href="javascript:;">提交</a></div>',
    "reworded disclaimer": "<p>【免责声明】本文为网易号作者上传，观点仅代表该作者本人，平台只提供信息存储空间服务。</p>",
    "english notice": "<p>NOTICE: the content above is uploaded and posted by a user of NetEase Hao.</p>",
    "app prompt": '<div class="x"><img src="https://img.example.com/qr.png"><p>长按识别二维码，下载网易新闻客户端</p></div>',
    "share bar": '<div class="s"><span>分享给朋友：</span><a href="javascript:;">微信</a><a href="javascript:;">微博</a></div>',
    "author card": '<div class="ac"><p>城市报道</p><p>关注城市生活，已入驻3年</p><p>文章数 1024 粉丝数 8.6万</p></div>',
}


@pytest.mark.parametrize("where", ["start", "middle", "end"])
@pytest.mark.parametrize("name", sorted(BLOCKS))
def test_block_goes_and_article_stays(name: str, where: str) -> None:
    block = BLOCKS[name].format(*(other(i) for i in range(4)))
    html = page(block, where=where)
    texts = both(html)
    assert_real_kept(texts)
    for text in texts:
        assert len(text.split("\n")) == len(REAL), text


def test_images_of_removed_blocks_go_too() -> None:
    html = page(BLOCKS["promo images"].format(other(1), other(2)))
    url = f"https://www.163.com/dy/article/{OWN}.html"
    assert clean_html(html, url=url).images == ()


def test_a_paragraph_with_one_inline_link_stays() -> None:
    linked = (
        f'<p>据<a href="{other(5)}">网易新闻</a>此前报道，该市去年已开通公交线路八条，客流量稳步增长。</p>'
    )
    for text in both(page(linked, where="middle")):
        assert "据网易新闻此前报道，该市去年已开通公交线路八条，客流量稳步增长。" in text


def test_a_heading_followed_by_prose_is_a_sub_heading() -> None:
    sub = "<h3>相关新闻</h3><p>同时，市交通运输局还将对部分老旧公交车辆进行更新，全年计划更换新能源公交车两百辆。</p>"
    for text in both(page(sub, where="middle")):
        assert "相关新闻" in text.split("\n")


def test_a_real_paragraph_wrapped_with_a_list_stays() -> None:
    wrapped = (
        "<div class='w'><p>此外，部分线路还将试点开通夜间公交，满足市民夜间出行需求，具体时间另行公布。</p>"
        + BLOCKS["headed list"].format(other(1), other(2))
        + "</div>"
    )
    for text in both(page(wrapped, where="middle")):
        assert "此外，部分线路还将试点开通夜间公交，满足市民夜间出行需求，具体时间另行公布。" in text
        assert "某地推出新政策，市民点赞" not in text


def test_a_signature_after_a_rule_goes() -> None:
    for text in both(page("<p>------------------------------</p><p>我的博客 http://blog.example.com/u1</p>")):
        assert "blog.example.com" not in text
        assert "-----" not in text


def test_a_list_page_is_not_an_article() -> None:
    items = "".join(
        f'<li><a href="{other(i)}">第{i}条新闻标题：某地出台新规定</a> 03-01 10:{i:02d}</li>'
        for i in range(30)
    )
    html = (
        f"<html><head><title>国内新闻_网易新闻</title></head><body><ul class='l'>{items}</ul></body></html>"
    )
    from scraper.errors import ParseError

    with pytest.raises(ParseError) as err:
        clean_html(html, url="https://news.163.com/domestic/")
    assert err.value.reason == "not_an_article"


# --- found by review: real text that early versions of the rules deleted, and a crash ----------------

SENTENCES_THAT_STAY = (
    "该企业已获得食品经营许可证，可合法经营。",
    "版权所有者起诉后，法院判决该网站赔偿损失20万元。",
    "群众可拨打电话举报。",
    "市民可扫码登记。",
    "用户可在客户端查看详情。",
    "相关话题已有数万条跟帖。",
    "阅读全文需要耐心，这份报告长达三百页。",
    "返回首页的路上，他遇到了老朋友。",
    "第一产业增长3.5%",
    "声明：本文为作者原创，首发于个人平台，转载请联系作者。",
)


@pytest.mark.parametrize("sentence", SENTENCES_THAT_STAY)
def test_an_article_sentence_that_mentions_chrome_words_stays(sentence: str) -> None:
    for text in both(page(f"<p>{sentence}</p>", where="middle")):
        assert sentence in text.split("\n")


def test_paragraphs_opening_with_a_linked_name_stay() -> None:
    paras = (
        f'<p><a href="{other(1)}">国家统计局</a>今天发布数据显示，一季度国内生产总值同比增长5.3%，开局良好。</p>'
        f'<p><a href="{other(2)}">国家发改委</a>表示，将继续加大宏观政策调节力度，巩固经济回升向好态势。</p>'
    )
    for text in both(page(paras, where="middle")):
        assert "国家统计局今天发布数据显示，一季度国内生产总值同比增长5.3%，开局良好。" in text


def test_prose_inside_noscript_is_no_crash() -> None:
    sentence = (
        "记者从国家统计局获悉，今年一季度国内生产总值同比增长5.3%，经济运行开局良好，主要指标好于预期。"
    )
    from scraper.errors import ParseError

    # No article outside the noscript: a ParseError is a fine answer, StopIteration was not.
    with contextlib.suppress(ParseError):
        clean_html(f"<html><body>网易<noscript><p>{sentence}</p></noscript></body></html>")


def test_a_long_run_of_link_lines_goes_whole() -> None:
    """3,000 link lines inside a known body (each run is walked once: this took seconds when it was not)."""
    run = "".join(f'<p><a href="{other(i % 90)}">第{i}条推荐的新闻标题文字很长</a></p>' for i in range(3000))
    text = clean_html(page(run, where="middle"), url=f"https://www.163.com/dy/article/{OWN}.html").text
    assert "推荐的新闻标题" not in text
    assert_real_kept([text])


def test_picture_holders_keep_their_photos_and_promo_tiles_go() -> None:
    # figure > div > img (NetEase's mobile photos) hold no text and no link: kept whole, unjudged.
    holders = "".join(
        f'<figure class="q{i}"><div class="w{i}"><img src="https://img.example.com/photo{i}.jpg"></div></figure>'
        for i in range(3)
    )
    tile = f'<div class="t"><div><a href="{other(7)}"><img src="https://img.example.com/promo.jpg"></a></div></div>'
    url = f"https://www.163.com/dy/article/{OWN}.html"
    for where in ("start", "middle", "end"):
        html = page(holders + tile, where=where)
        for article in (clean_html(html, url=url), clean_with(html, url, templates=())):
            assert [p for p in article.text.split("\n")] == list(REAL)
            assert [image.src for image in article.images] == [
                f"https://img.example.com/photo{i}.jpg" for i in range(3)
            ]
