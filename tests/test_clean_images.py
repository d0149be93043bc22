"""images_from: which images count as body images, their real URL, and the caption under each."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from scraper.clean.common import images_from as reexported
from scraper.clean.images import images_from, unwrap_image_url


def _images(body: str, base_url: str | None = None) -> list[tuple[str, str | None]]:
    tree = LexborHTMLParser(f"<html><body><div id=b>{body}</div><p>after the body</p></body></html>")
    return [(i.src, i.caption) for i in images_from([tree.css_first("#b")], base_url)]


def _srcs(body: str) -> list[str]:
    return [src for src, _ in _images(body)]


def test_common_reexports_images_from() -> None:
    assert reexported is images_from


# --- which URL -------------------------------------------------------------------------------------


def test_proxy_unwrapped_and_protocol_relative_made_https() -> None:
    proxied = (
        "https://nimg.ws.126.net/?url=http%3A%2F%2Fdingyue.ws.126.net%2F2024%2Fa.jpg&thumbnail=660x2147483647"
    )
    assert _srcs(f"<p><img src='{proxied}'></p><p><img src='//cms-bucket.ws.126.net/b.png'></p>") == [
        "http://dingyue.ws.126.net/2024/a.jpg",
        "https://cms-bucket.ws.126.net/b.png",
    ]


def test_relative_src_joined_to_the_page_url() -> None:
    assert _images("<p><img src='/photo/a.jpg'></p>", "https://news.163.com/19/0907/x.html") == [
        ("https://news.163.com/photo/a.jpg", None)
    ]


@pytest.mark.parametrize("attr", ["data-src", "data-original", "data-lazy-src"])
def test_lazy_attribute_over_placeholder_src(attr: str) -> None:
    body = f"<p><img src='https://static.ws.126.net/163/frontend/images/2022/empty.png' {attr}='http://x.com/real.jpg'></p>"
    assert _srcs(body) == ["http://x.com/real.jpg"]


def test_placeholder_only_images_dropped() -> None:
    body = (
        "<p><img src='about:blank'></p><p><img src='data:image/gif;base64,R0lGOD'></p>"
        "<p><img src='http://x.com/img/loading.gif'></p><p><img src='http://x.com/spacer.gif'></p>"
        "<p><img src='http://x.com/lazy_blank.png'></p><p><img src='http://x.com/t/1x1.gif'></p>"
        "<p><img src='http://x.com/s.gif'></p>"
    )
    assert _srcs(body) == []
    assert _srcs("<p><img src='http://x.com/21x10.jpg'></p>") == ["http://x.com/21x10.jpg"]


def test_srcset_largest_width_wins() -> None:
    body = "<p><img src='http://x.com/s.jpg' srcset='http://x.com/m.jpg 640w, http://x.com/l.jpg 1280w, http://x.com/t.jpg 320w'></p>"
    assert _srcs(body) == ["http://x.com/l.jpg"]


def test_srcset_largest_density_wins_and_commas_inside_urls_kept() -> None:
    body = (
        "<p><img srcset='https://cdn.x.com/w_300,h_200/a.jpg 1x, https://cdn.x.com/w_600,h_400/a.jpg 2x'></p>"
    )
    assert _srcs(body) == ["https://cdn.x.com/w_600,h_400/a.jpg"]


def test_picture_source_used_when_the_img_has_no_real_src() -> None:
    body = (
        "<p><picture><source type='image/webp' srcset='http://x.com/a-800.webp 800w, http://x.com/a-1600.webp 1600w'>"
        "<img src='http://x.com/placeholder.png'></picture></p>"
        "<p><picture><source srcset='http://x.com/b.webp'><img src='http://x.com/b.jpg'></picture></p>"
    )
    assert _srcs(body) == ["http://x.com/a-1600.webp", "http://x.com/b.jpg"]


def test_same_image_via_proxy_and_directly_listed_once() -> None:
    body = (
        "<p class=f_center><img src='https://nimg.ws.126.net/?url=http%3A%2F%2Fcms-bucket.ws.126.net%2Fa.jpg&type=jpg'></p>"
        "<p><img src='http://cms-bucket.ws.126.net/a.jpg'></p><p><img src='https://cms-bucket.ws.126.net/a.jpg'></p>"
        "<p><img src='http://cms-bucket.ws.126.net/b.jpg'></p>"
    )
    assert _srcs(body) == ["http://cms-bucket.ws.126.net/a.jpg", "http://cms-bucket.ws.126.net/b.jpg"]


def test_resized_copies_of_one_image_file_listed_once() -> None:
    body = (
        "<p><img src='http://cms-bucket.ws.126.net/a.png?imageView&thumbnail=550x0'></p>"
        "<p><img src='https://nimg.ws.126.net/?url=http%3A%2F%2Fcms-bucket.ws.126.net%2Fa.png&thumbnail=660x0'></p>"
        "<p><img src='http://x.com/image?id=1'></p><p><img src='http://x.com/image?id=2'></p>"
    )
    assert _srcs(body) == [
        "http://cms-bucket.ws.126.net/a.png?imageView&thumbnail=550x0",
        "http://x.com/image?id=1",
        "http://x.com/image?id=2",
    ]


def test_unwrap_image_url_refuses_non_images() -> None:
    assert unwrap_image_url("about:blank") is None
    assert unwrap_image_url("  ") is None
    assert unwrap_image_url(None) is None


# --- chrome by file name and size (issue 7 item 5) --------------------------------------------------


@pytest.mark.parametrize(
    "src",
    [
        "https://cms-bucket.ws.126.net/2025/share/abc.jpg",  # "share" is a directory
        "https://cms-bucket.ws.126.net/icons/2025/0411/e1fdcfc4j00suk38300x3c000j6015kc.jpg",
        "https://img.x.com/avatar-uploads/2019/photo.jpg",
        "https://img.x.com/2019/iconic-tower.jpg",  # a word that merely starts with "icon"
        "https://img.x.com/2019/shareholders-meeting.jpg",
        "https://img.x.com/2019/logorrhea.png",
        "https://img.x.com/2019/silicon_valley.jpg",
        "https://img.x.com/logo/2019/a.jpg?from=share",  # words in the query string do not count
    ],
)
def test_photos_kept_whatever_their_directories_say(src: str) -> None:
    assert _srcs(f"<p><img src='{src}'></p>") == [src]


@pytest.mark.parametrize(
    "src",
    [
        "https://static.ws.126.net/163/f2e/product/post_nodejs/static/logo.png",
        "http://img1.cache.netease.com/f2e/biz/observe/images/logo_01.jpg",
        "http://img1.cache.netease.com/cnews/img/gallery13/wz/img/yuetu_logo_btm.png?1",
        "https://static.ws.126.net/cnews/css13/img/end_news.png",
        "https://x.com/img/icon-weixin.png",
        "https://x.com/img/wxShareIcon@2x.png",
        "https://x.com/img/share_weibo.gif",
        "https://x.com/u/default_avatar.jpg",
        "https://x.com/img/qrcode.jpg",
        "https://x.com/img/QRCode_app.png",
        "https://x.com/img/erweima.jpg",
        "https://x.com/favicon.ico",
    ],
)
def test_icons_dropped_by_file_name(src: str) -> None:
    assert _srcs(f"<p><img src='{src}'></p>") == []


def test_tiny_declared_sizes_dropped() -> None:
    body = (
        "<p><img src='/images/arclogo.gif' width='12' height='12'></p>"  # a 12x12 mark, no icon word
        "<p><img src='http://x.com/stat/mod003.gif' width='0' height='0'></p>"  # a tracker
        "<p><img src='http://x.com/a.gif' width='1'></p>"
        "<p><img src='http://x.com/emot.png' width='24px'></p>"
        "<p><img src='http://x.com/photo.jpg' width='626' height='834.6666'></p>"
        "<p><img src='http://x.com/wide.jpg' width='100%'></p>"
        "<p><img src='http://x.com/banner.jpg' width='600' height='30'></p>"  # thin, but wide: a picture
    )
    assert _srcs(body) == ["http://x.com/photo.jpg", "http://x.com/wide.jpg", "http://x.com/banner.jpg"]


def test_video_cover_is_not_an_image() -> None:
    body = (
        "<figure class='m-video js-article-video'><div class=s-wrap><figure class='s-cover js-article-videoCover'>"
        "<img src='http://x.com/empty.png' data-src='http://videoimg.ws.126.net/cmssnapshot/a_0.jpg'></figure>"
        "</div><figcaption>视频标题</figcaption></figure>"
        "<div class=video-wrapper><img src='http://x.com/cover.jpg'></div>"
        "<figure class=m-photo><div class=s-wrap><img src='http://x.com/empty.png' data-src='http://x.com/p.jpg'></div>"
        "</figure>"
    )
    assert _images(body) == [("http://x.com/p.jpg", None)]


# --- captions ---------------------------------------------------------------------------------------


def test_caption_beside_the_image_in_a_centred_block() -> None:
    body = (
        "<p class=f_center><img src='http://x.com/1.jpg'><br>华人游行支援</p>"
        "<p class=f_center><img src='http://x.com/2.jpg'><br><span>家属提供的诊断书。 来源：受访者</span></p>"
    )
    assert _images(body) == [
        ("http://x.com/1.jpg", "华人游行支援"),
        ("http://x.com/2.jpg", "家属提供的诊断书。 来源：受访者"),
    ]


def test_image_inside_prose_has_no_caption() -> None:
    body = "<p><img src='http://x.com/1.jpg'>新京报讯 10月31日，河北省邯郸市永年区一名学生身亡。</p>"
    assert _images(body) == [("http://x.com/1.jpg", None)]


def test_figcaption() -> None:
    body = "<figure><img src='http://x.com/1.jpg'><figcaption> 图说 </figcaption></figure>"
    assert _images(body) == [("http://x.com/1.jpg", "图说")]


def test_centred_next_paragraph_is_the_caption() -> None:
    body = "<p class=f_center><img src='http://x.com/1.jpg'></p><p style='text-align: center; '>姚明场边支招周琦。视频截图</p>"
    assert _images(body) == [("http://x.com/1.jpg", "姚明场边支招周琦。视频截图")]


def test_uncentred_next_paragraph_with_a_caption_cue() -> None:
    body = (
        "<p class=f_center><img src='http://x.com/1.jpg'></p><p>▲图片来自视频截图。</p>"
        "<p class=f_center><img src='http://x.com/2.jpg'></p><p></p><p>图为停车场道闸 资料图</p>"
        "<p class=f_center><img src='http://x.com/3.jpg'></p><p>车主们将车停在外面小树林中</p>"
        "<p class=f_center><img src='http://x.com/4.jpg'></p><p><b>停车乱象普遍外溢</b></p>"
    )
    # The 3rd has no cue: it is a caption because the page writes its captions as plain paragraphs
    # (the 1st and 2nd). The bold line after the 4th is a sub-heading.
    assert _images(body) == [
        ("http://x.com/1.jpg", "▲图片来自视频截图。"),
        ("http://x.com/2.jpg", "图为停车场道闸 资料图"),
        ("http://x.com/3.jpg", "车主们将车停在外面小树林中"),
        ("http://x.com/4.jpg", None),
    ]


def test_prose_mentioning_a_screenshot_is_not_a_caption() -> None:
    body = "<p class=f_center><img src='http://x.com/1.jpg'></p><p>网友截图显示，该男子在地铁车厢内大声喧哗。</p>"
    assert _images(body) == [("http://x.com/1.jpg", None)]


def test_caption_in_a_center_element() -> None:
    body = "<center><img src='http://x.com/1.jpg'><br>会场外景</center><p>正文。</p>"
    assert _images(body) == [("http://x.com/1.jpg", "会场外景")]


@pytest.mark.parametrize(
    "caption",
    [
        "英国广播公司网站报道截图",
        "受伤学生在医院接受治疗。 海峡都市报·闽南版 图",
        "图片来源：每经记者 张蕊 摄",
        "新华社记者 李贺 摄",
    ],
)
def test_credit_at_the_end_is_a_caption_cue(caption: str) -> None:
    body = f"<p><img src='http://x.com/1.jpg'></p><p>{caption}</p>"
    assert _images(body) == [("http://x.com/1.jpg", caption)]


def test_short_lines_after_images_are_text_when_the_page_has_no_captions() -> None:
    body = (
        "<p class=f_center><img src='http://x.com/1.jpg'><br></p><p>为什么说此次施工</p><p>对无锡市民出行影响最大?</p>"
        "<p class=f_center><img src='http://x.com/2.jpg'><br></p><p>01</p>"
        "<p class=f_center><img src='http://x.com/3.jpg'><br></p><p>（点击看清晰大图）</p>"
    )
    assert _images(body) == [
        ("http://x.com/1.jpg", None),
        ("http://x.com/2.jpg", None),
        ("http://x.com/3.jpg", None),
    ]


def test_caption_under_the_last_of_consecutive_images_only() -> None:
    body = (
        "<p class=f_center><img src='http://x.com/1.png'></p><p class=f_center><img src='http://x.com/2.png'></p>"
        "<p class=f_center><span>图片来源：未来科学大奖官网</span></p>"
    )
    assert _images(body) == [
        ("http://x.com/1.png", None),
        ("http://x.com/2.png", "图片来源：未来科学大奖官网"),
    ]


def test_image_loose_in_the_body_does_not_take_the_whole_body_as_caption() -> None:
    body = "<img src='http://x.com/1.jpg'><p>第一段很长的正文，说了很多事情。</p><p>第二段。</p>"
    assert _images(body) == [("http://x.com/1.jpg", None)]
    body = "<img src='http://x.com/1.jpg'><p class=f_center>图为会场</p><p>正文。</p>"
    assert _images(body) == [("http://x.com/1.jpg", "图为会场")]


def test_no_caption_from_outside_the_body() -> None:
    assert _images("<p><img src='http://x.com/1.jpg'></p>") == [("http://x.com/1.jpg", None)]
