"""Field helpers shared by every template."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from scraper.clean.boilerplate import remove_noise
from scraper.clean.common import (
    after_label,
    images_from,
    paragraphs_from,
    parse_cn_datetime,
    strip_editor_code,
    strip_title_suffix,
    unwrap_image_url,
)


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2025-10-16 20:02:18", "2025-10-16T20:02:18+08:00"),
        ("  2019-09-07 13:43:45\u3000来源: 新京报", "2019-09-07T13:43:45+08:00"),
        ("2025-04-11 21:49", "2025-04-11T21:49:00+08:00"),
        ("2025-04-11T21:49:25+08:00", "2025-04-11T21:49:25+08:00"),
        ("2025-04-11T13:49:25Z", "2025-04-11T21:49:25+08:00"),
        ("2005/05/17 22:11:42 by", "2005-05-17T22:11:42+08:00"),
        ("2019年05月17日 20:02", "2019-05-17T20:02:00+08:00"),
        ("2019-05-17", "2019-05-17T00:00:00+08:00"),
    ],
)
def test_parse_cn_datetime(raw: str, iso: str) -> None:
    assert parse_cn_datetime(raw) == iso


@pytest.mark.parametrize("raw", [None, "", "no date here", "2019-13-45 10:00"])
def test_parse_cn_datetime_rejects(raw: str | None) -> None:
    assert parse_cn_datetime(raw) is None


@pytest.mark.parametrize(
    ("raw", "name"),
    [("雷晓_NB26578", "雷晓"), ("王晓易_NE0011", "王晓易"), ("李曦_NN2587", "李曦"), ("杨秋子_NX4687", "杨秋子"),
     ("黄家第_NNB6466", "黄家第"), ("NF051", "NF051"), ("刘雨欣", "刘雨欣")],
)  # fmt: skip
def test_strip_editor_code(raw: str, name: str) -> None:
    assert strip_editor_code(raw) == name


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("多地项目连环爆雷_网易财经", "多地项目连环爆雷"),
        ("全球媒体聚焦｜美国政府停摆|美国联邦政府_网易政务", "全球媒体聚焦｜美国政府停摆"),
        ("轻松一刻：靠山山倒|两性|奇葩_手机网易网", "轻松一刻：靠山山倒"),
        ("没有后缀的标题", "没有后缀的标题"),
    ],
)
def test_strip_title_suffix(raw: str, title: str) -> None:
    assert strip_title_suffix(raw) == title


def test_after_label_stops_at_next_label() -> None:
    line = "本文来源：新京报 作者：寇家祥 张熙廷"
    assert after_label(line, "本文来源") == "新京报"
    assert after_label(line, "作者", words=4) == "寇家祥 张熙廷"
    assert after_label("责任编辑： 雷晓_NB26578", "责任编辑") == "雷晓_NB26578"


def test_unwrap_proxied_image() -> None:
    src = (
        "https://nimg.ws.126.net/?url=http%3A%2F%2Fdingyue.ws.126.net%2F2024%2Fa.jpg&thumbnail=660x2147483647"
    )
    assert unwrap_image_url(src) == "http://dingyue.ws.126.net/2024/a.jpg"
    assert unwrap_image_url("//cms-bucket.ws.126.net/b.png") == "https://cms-bucket.ws.126.net/b.png"
    assert unwrap_image_url("data:image/gif;base64,AAAA") is None


def test_paragraphs_blocks_br_tables_and_hidden() -> None:
    tree = LexborHTMLParser(
        "<div id=b><p>第一段 <b>加粗</b>\u3000文字</p>二<br>三<div style='display: none'>隐藏</div>"
        "<table><tr><td>甲</td><td>乙</td></tr></table><script>var x;</script><p> </p>"
        "<p>责任编辑：某某_NN1</p><ul><li>条目</li></ul></div>"
    )
    assert paragraphs_from([tree.css_first("#b")]) == ["第一段 加粗 文字", "二", "三", "甲 乙", "条目"]


def test_images_real_src_and_caption() -> None:
    tree = LexborHTMLParser(
        "<div id=b><p class='f_center'><img src='https://nimg.ws.126.net/?url=http%3A%2F%2Fx.com%2F1.jpg'></p>"
        "<p class='f_center'>图片说明</p><p><img src='empty.png' data-src='http://x.com/2.jpg'></p>"
        "<p><img src='https://static.ws.126.net/logo.png'></p></div>"
    )
    images = images_from([tree.css_first("#b")])
    assert [(i.src, i.caption) for i in images] == [
        ("http://x.com/1.jpg", "图片说明"),
        ("http://x.com/2.jpg", None),
    ]


@pytest.mark.parametrize(
    ("doctype", "left"),
    [("", "keep"), ("<!DOCTYPE html>", "keepx")],  # quirks mode matches class names case-insensitively
)
def test_body_noise_goes_by_class_word_and_attribute(doctype: str, left: str) -> None:
    tree = LexborHTMLParser(
        f'{doctype}<html><body><div id="b"><p>keep</p><div class="Post_Share">x</div>'
        '<div class="a ad b">y</div><div class="adx">z<span class="hidden">h</span></div>'
        '<pre datatype="z">q</pre><div adType="1">w</div><div id="post_comment_area">c</div></div></body></html>'
    )
    body = tree.css_first("#b")
    assert body is not None
    remove_noise(body)
    assert body.text() == left + "z"  # .adx is not .ad; the .hidden inside it goes
