"""Hand-checked body images of the shared real pages, one entry per ``kind: article`` page.

Each list was read from the page's HTML body region (the gold paragraphs show where it is),
not from the cleaner's output. An entry is ``(src, caption)`` in reading order:

- ``src`` is the real image URL: NetEase proxies (``nimg.ws.126.net/?url=...``) unwrapped,
  ``data-src`` over a placeholder ``src``, ``//host`` made https; any other query string is kept.
- ``caption`` is the text the page shows under that image (it is also a gold paragraph), else None.
- Not listed: logos and icons (the 13x12 ``end_news.png`` source icon, ``logo.png``), tracking
  pixels, placeholders, author-card and QR images, related-article and gallery-recommendation
  thumbnails, and video posters (a video is not an image of the article; see jackielan, gne-163-5).
"""

from __future__ import annotations

Expected = list[tuple[str, str | None]]

_CMS19 = "http://cms-bucket.ws.126.net/2019/"
_FUTURE_PRIZE = "图片来源：未来科学大奖官网"
_MEME_EXAM = "图为表情包试卷。中国青年网通讯员 程艺 供图"
_BBC = "英国广播公司网站报道截图"


def _m(name: str) -> tuple[str, None]:
    """An image of the 2025-04-11 mobile page (``figure.m-photo``): no figcaption on any of them."""
    return (f"http://cms-bucket.ws.126.net/2025/0411/{name}", None)


EXPECTED_IMAGES: dict[str, Expected] = {
    # 2015 money pages: the only <img> in #endText is the 13x12 end_money.png source icon.
    "cx-money-1": [],
    "cx-money-9": [],
    # 亦观察 column pages: one lead image in .entext, no caption under it. The logo_01.jpg in the
    # column header, the author photo, the QR code and the 商业传奇 gallery (JS-loaded slides and
    # 悦图推荐 thumbnails, excluded from the body gold as well) are not article images.
    "cx-money-11": [("http://img3.cache.netease.com/stock/2015/7/2/201507021439229092f_550.jpg", None)],
    "cx-money-2": [("http://img4.cache.netease.com/stock/2015/6/19/20150619110532ecf5d_550.jpg", None)],
    "cx-money-30": [("http://img2.cache.netease.com/stock/2015/7/3/201507031118004e4dc_550.gif", None)],
    "cx-money-5": [("http://img6.cache.netease.com/stock/2015/6/25/201506250844383f63d.jpg", None)],
    # Caption text after a <br> inside p.f_center; both images carry the same caption.
    "fujiz-163-gbk-1": [
        ("http://img3.cache.netease.com/cnews/2016/2/21/201602211107245a521_550.jpg", "华人游行支援"),
        ("http://img2.cache.netease.com/cnews/2016/2/21/201602211107268b448_550.jpg", "华人游行支援"),
    ],
    # src is NetEase's copy; the _src attribute (the CCTV original) is not what the page shows.
    "gerapy-netease-news1": [
        (
            "https://cms-bucket.ws.126.net/2020/0704/b5d55269j00qcwmy3000kc000k700dec.jpg",
            "△坦帕市市长简·卡斯特",
        ),
    ],
    "gne-163-1": [],
    # Caption in the next <p style="text-align: center">.
    "gne-163-2": [(_CMS19 + "09/07/73ba1da3c70f4003b1075552028ea51d.jpeg", "姚明场边支招周琦。视频截图")],
    # Credit lines in the next p.f_center. Judgement: images 2-4 are three consecutive p.f_center
    # images with one credit line under the last; it is attached to that image only.
    "gne-163-3": [
        (_CMS19 + "09/08/0871c75ccf1d480991af3cda45fe90bb.png", _FUTURE_PRIZE),
        (_CMS19 + "09/08/e3508b824d7046a9a7afa7278bbebe1c.png", None),
        (_CMS19 + "09/08/fd727ba0ecf84b5f94b801187aea213c.png", None),
        (_CMS19 + "09/08/2960b211478b43daa45fe35628673f75.png", _FUTURE_PRIZE),
        (_CMS19 + "09/08/44faf13179d7497aa4f2385d0fe72b57.png", _FUTURE_PRIZE),
        (_CMS19 + "09/08/7eb17cb834e5469493cd8cbc9717e0d4.png", "图片来源：每经记者 张蕊 摄"),
        (_CMS19 + "09/08/5d886c9e11bc440d9ff07c09a88a4fcd.png", "图片来源：清华大学高等研究院"),
        (_CMS19 + "09/08/53fecb2811344051bf6cc45cb5d10dca.png", "图片来源：摄图网"),
    ],
    # Judgement: the <video poster> above is a video, not an image. The caption is a plain,
    # uncentred <p> that points up at the image with ▲.
    "gne-163-5": [(_CMS19 + "09/07/1161fe62fe254025bae9a45bca97c046.png", "▲图片来自视频截图。")],
    # The lead image has only an alt (the headline); nothing is shown under it.
    "gne-163-7": [(_CMS19 + "11/25/ceb571010baf48949a34d462d4dae1ea.jpeg", None)],
    # Poster-style dy-v2 page: the short <p> lines after the images ("为什么说此次施工", "01") are
    # the text going on, not captions. Judgement: 「（点击看清晰大图）」 under the 8th image is a
    # reader instruction, not a caption (the body gold keeps it as text).
    "gne-163-9": [
        ("http://crawl.ws.126.net/img/24cb08abdfc8541fc579daad950bf1ea.jpg", None),
        ("http://crawl.ws.126.net/img/996a94cae6e65b8002b5740507727a80.jpg", None),
        ("http://crawl.ws.126.net/img/93b270b51fda81a34a5aac1208013f30.jpg", None),
        ("http://crawl.ws.126.net/img/a15522bd7313c8edc1bbac511201d75c.jpg", None),
        ("http://crawl.ws.126.net/img/fb74cc3666a32bffecf95fab4b4cf034.jpg", None),
        ("http://crawl.ws.126.net/img/9a8861ce1b0efaa4dc1754a93f1d637a.jpg", None),
        ("http://crawl.ws.126.net/img/b007ba3860c3852fb4fb8e07d9a6aede.jpg", None),
        ("http://crawl.ws.126.net/img/d13481d7faa76c1347245ebee0c0da0d.jpg", None),
        ("http://crawl.ws.126.net/img/4e5e6e79940c265457a1e72bab3934f4.jpg", None),
    ],
    # Three image-only p.f_center at the end of the body, no text under them.
    "gne-visiable-163-1": [
        ("http://dingyue.ws.126.net/2021/0218/5b10839ej00qop3zk001oc000t600h8c.jpg", None),
        ("http://dingyue.ws.126.net/2021/0218/bed453e6j00qop3zl0015c000t600h8c.jpg", None),
        ("http://dingyue.ws.126.net/2021/0218/e24e9237j00qop3zl0014c000t600h8c.jpg", None),
    ],
    # 71 figure.m-photo images (real URL in data-src, src is empty.png), none with a figcaption.
    # Judgement: the 7 figure.m-video covers (videoimg.ws.126.net snapshots) are video posters,
    # not listed; their figcaptions are video titles (kept in the body gold).
    "jackielan-m163-JST65UOV000181BR": [
        _m("e1fdcfc4j00suk38300x3c000j6015kc.jpg"),
        _m("20057c14j00suk3830146c000j600pkc.jpg"),
        _m("152848bfj00suk38200lmc000j600eec.jpg"),
        _m("6067a007j00suk38300pkc000j600eec.jpg"),
        _m("5fed2383j00suk38300hwc000j600eec.jpg"),
        _m("6005bfc9p00suk383005ic000ic0032c.png"),
        _m("83640db6j00suk384005wc000c1009hc.jpg"),
        _m("c6af09d5j00suk385007rc000cj00i2c.jpg"),
        _m("5f487380j00suk38500ojc000vi00zkc.jpg"),
        _m("3b711d24j00suk38600shc000ht00upc.jpg"),
        _m("7d567d2bj00suk385004jc000ht00dqc.jpg"),
        _m("719da869j00suk385006wc000dm00dec.jpg"),
        _m("00d7a5e1j00suk386005lc0009i009ic.jpg"),
        _m("46e5d8c1g00suk38704djc0008w0054c.gif"),
        _m("95454596j00suk38700p2c000j600ukc.jpg"),
        _m("1b8a4c06j00suk38901ckc000s001dsc.jpg"),
        _m("039d461aj00suk38800dqc000d800grc.jpg"),
        _m("c200abc9j00suk3870083c000j600iec.jpg"),
        _m("190dfdfaj00suk387002zc0007w008cc.jpg"),
        _m("812c10f1j00suk38900j4c000fc00joc.jpg"),
        _m("8d3a72e7j00suk38900ilc000gz00myc.jpg"),
        _m("1077f383j00suk38a00y1c000gp00stc.jpg"),
        _m("7e36aadaj00suk38a00wac000lq00swc.jpg"),
        _m("d5fb4df8j00suk38a006uc000dw00cuc.jpg"),
        _m("c612fddeg00suk38b02u6c000ac00gtc.gif"),
        _m("661a7e52g00suk38b0662c000cs00moc.gif"),
        _m("618c9296j00suk38c00nnc000gm00qpc.jpg"),
        _m("e0853625j00suk38c0097c000j600iyc.jpg"),
        _m("4f825f21j00suk38c00ggc000go00p5c.jpg"),
        _m("40746962j00suk38c008yc000go00k8c.jpg"),
        _m("38b82447j00suk38d00h6c000es00hoc.jpg"),
        _m("5d663ecfj00suk38e006tc000j600kec.jpg"),
        _m("328fce9ag00suk38d00nqc0009q007pc.gif"),
        _m("5bae9857j00suk38e009hc000c500f5c.jpg"),
        _m("ed01a163j00suk38e00d0c000df00h3c.jpg"),
        _m("967c870fj00suk38g00xsc000u001fxc.jpg"),
        _m("adbb2d1bp00suk38f005bc000ic0032c.png"),
        _m("5504224fj00suk38g00ovc000go00svc.jpg"),
        _m("3bcf13bfj00suk38g00fzc000go00l5c.jpg"),
        _m("ff81381aj00suk38g00b5c000n000h4c.jpg"),
        _m("0f789688g00suk38g00q5c000a800cyc.gif"),
        _m("0975db62j00suk38h008sc000f700hoc.jpg"),
        _m("263360b7j00suk38h002uc000f10093c.jpg"),
        _m("2e5220a8j00suk38h00dcc000d200gyc.jpg"),
        _m("8beb122dj00suk38k019pc000u001f1c.jpg"),
        _m("31b68dd1j00suk38i006ac000dp00gic.jpg"),
        _m("02949cdfj00suk38k01cnc000u0011zc.jpg"),
        _m("3ca781b6j00suk38j00rxc000u0011rc.jpg"),
        _m("58f549baj00suk38i003vc000go00apc.jpg"),
        _m("15791bcfj00suk38k00gec001lb009kc.jpg"),
        _m("92f480adj00suk38k00efc001lb009kc.jpg"),
        _m("f3add9ffj00suk38l012kc000u0011ec.jpg"),
        _m("66831701j00suk3990169c000lc016oc.jpg"),
        _m("5e9faefcj00suk38n01myc000oj01h6c.jpg"),
        _m("7529ccedj00suk38o01g3c000u001sxc.jpg"),
        _m("944874a4j00suk39c013lc000u001sxc.jpg"),
        _m("10a0f9f1j00suk38o01dcc000u001sxc.jpg"),
        _m("8ced1203j00suk38q01izc000t501r1c.jpg"),
        _m("bd72fe1bj00suk38r013oc000sm01pwc.jpg"),
        _m("0117001ej00suk38t016ic000u001uoc.jpg"),
        _m("cb1db2aej00suk38u01t9c000ts01t1c.jpg"),
        _m("9f8b7e7cj00suk38u017wc000u001jyc.jpg"),
        _m("9bb29eb0j00suk38v00ilc001lb009kc.jpg"),
        _m("580e60a0p00suk38v004oc000ic0032c.png"),
        _m("a921de6fp00suk38v004ec000ic0032c.png"),
        _m("c6c9e01cj00suk38w0047c0008d00b6c.jpg"),
        _m("9aea97f8j00suk38w000yc000ic00e6c.jpg"),
        _m("4ecaf3c7j00suk38x002fc000ku00s2c.jpg"),
        _m("380a4c4bj00suk38x0024c000ku00s2c.jpg"),
        _m("acd1d1eep00suk3pb004zc000ic0032c.png"),
        _m("36f067eaj00suk3pb002vc000ku00x8c.jpg"),
    ],
    # Captions are plain uncentred <p> after image-only p.f_center. Judgement: the first one,
    # 「车主们将车停在外面小树林中」, has no 图为/截图 cue; it reads as a caption (a short line with
    # no full stop, under the photo it describes, as on the page's two other images) and the body
    # gold, which matches the magic-html reference, keeps it as an entry of its own.
    "magichtml-dy-J22CN60P0514R9KQ": [
        (
            "http://dingyue.ws.126.net/2024/0513/d1ef0e65j00sdegbm000yd000be008jg.jpg",
            "车主们将车停在外面小树林中",
        ),
        (
            "http://cms-bucket.ws.126.net/2024/0513/afa72314p00sdeioz003cc0009800ewc.png",
            "图为浦东新区合庆镇益民村民委员会",
        ),
        (
            "http://cms-bucket.ws.126.net/2024/0513/2467a110p00sdeiqw006kc000m400duc.png",
            "图为停车场道闸 资料图",
        ),
    ],
    # Captions in the plain <p> after each image; the post_nodejs logo.png at the end is chrome.
    "nanmi-news-KC12OUHK000189FH": [
        ("http://cms-bucket.ws.126.net/2025/1016/69772120j00t4843j001fc000st0086c.jpg", _BBC),
        (
            "http://cms-bucket.ws.126.net/2025/1016/30bef0f5j00t4843k00kdc000vm00gwc.jpg",
            "加莱特利表示，这是其“作为联邦雇员第三次经历政府关门”，“实在是承受不起”（英国广播公司网站截图）",
        ),
        ("http://cms-bucket.ws.126.net/2025/1016/14d8d714j00t4843j0016c000w70077c.jpg", _BBC),
    ],
    # 2004-05 biz pages: only the 12x12 /images/arclogo.gif mark (23); no image (24).
    "traf-zh-biz-23": [],
    "traf-zh-biz-24": [],
    # Captions in a <span> after a <br> inside p.f_center.
    "zhhsx-new-big-15": [
        (_CMS19 + "11/04/6b292c5695eb47418a0411537013d752.jpeg", "家属提供的CT检查报告单。 来源：受访者"),
        (_CMS19 + "11/04/100b6ed69d52479cbe1adbdea494bfdd.jpeg", "家属提供的诊断书。 来源：受访者"),
    ],
    # Judgement: the ?imageView&thumbnail=550x0 resize directive is kept (it is the URL the page
    # uses, and the query is not a proxy wrapper). No caption (only an alt); the video title line
    # belongs to the Flash player, which has no image.
    "zhhsx-new-big-23": [
        (_CMS19 + "11/04/0966b62693914deb85b7a7c73f51bbfd.png?imageView&thumbnail=550x0", None)
    ],
    "zhhsx-new-big-26": [
        (
            _CMS19 + "11/04/de9b67b6f6fe4e60822cec14d6ac9744.jpeg",
            "2019年10月15日，美国俄亥俄州，民主党在奥特本大学举行第4场总统初选辩论。图片来源：视觉中国",
        ),
    ],
    # Caption text beside the image inside p.f_center; the same caption under four images.
    "zhhsx-new-big-27": [
        (_CMS19 + "11/04/3f154180cf3f414ca987effa69ccbab6.png", _MEME_EXAM),
        (_CMS19 + "11/04/d8742f4a22f6453cbeadccc42d139ccf.png", _MEME_EXAM),
        (_CMS19 + "11/04/3d85f285255841aba046a74a30b7e4cf.png", _MEME_EXAM),
        (_CMS19 + "11/04/8f0e62f8fba7403eb8201c7193bb8436.png", _MEME_EXAM),
    ],
    "zhhsx-new-big-29": [
        (_CMS19 + "11/04/15b26ccec6854118b5d7e1f3a1637387.jpeg", "雷德福一家"),
        (_CMS19 + "11/04/189cda0574094737ac19b5c1a7c8f609.jpeg", "这对夫妇将有11个儿子和11个女儿"),
    ],
    "zhhsx-new-big-38": [
        (
            _CMS19 + "11/04/0dc0c4935ee04b1bbafbc1752dbb1239.jpeg",
            "李华提供的一份聊天记录显示,她的工资仅有千余元。 受访者供图",
        ),
        (_CMS19 + "11/04/b42ac33667b844df932cd338719d472d.jpeg", "主播招聘信息显示月入过万。受访者供图"),
    ],
    # Captions after a <br> in p.f_center (nbsp runs collapsed to one space).
    "zhhsx-new-big-39": [
        (
            "http://crawl.ws.126.net/fac489cc87ccd1ec7a26ab4f09aaa364.jpg",
            "受伤学生在医院接受治疗。 海峡都市报·闽南版 图",
        ),
        ("http://crawl.ws.126.net/7f3ec9500611a2ad7be060cecae6fd0b.png", "泉州师范学院官网通报。 截屏图"),
    ],
    "zhhsx-new-small-28": [],
    "zhhsx-new-small-37": [],
    # The lead image has no caption.
    "zhhsx-new": [("http://cms-bucket.ws.126.net/2019/10/25/21e87b059e99411fa564371bfbe52d1d.jpeg", None)],
}
