"""Body images and their captions: the real URL of each ``<img>`` and the text the page shows under it.

Runs on the pruned body nodes of every page, so it stays cheap: one ``css("img")`` per body node and
a few attribute reads and parent steps per image. It imports nothing from ``common.py`` because
``common`` re-exports :func:`images_from` and :func:`unwrap_image_url` from here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qs, urljoin, urlsplit

from selectolax.lexbor import LexborNode

from ..article import Image
from .boilerplate import is_boilerplate_line
from .walk import first_element

__all__ = ["images_from", "unwrap_image_url"]

_PROXY_HOSTS = ("nimg.ws.126.net", "s.cimg.163.com", "nimg.126.net")
# Lazy loaders keep the real URL in one of these; ``src`` then holds a placeholder.
_LAZY_ATTRS = ("data-src", "data-original", "data-lazy-src", "data-actualsrc")
_SRCSET_ATTRS = ("data-srcset", "srcset")

# File-name words (whole words of the last path segment, see _words) that mark page chrome.
# Matching words, not substrings of the URL, keeps /2025/share/abc.jpg and iconic-tower.jpg.
_ICON_WORDS = frozenset(
    {"logo", "logos", "icon", "icons", "favicon", "avatar", "avatars", "qrcode", "qr", "erweima", "share",
     "sprite", "sprites"}
)  # fmt: skip
_PLACEHOLDER_WORDS = frozenset(
    {"empty", "blank", "placeholder", "spacer", "lazy", "lazyload", "loading", "pixel", "transparent"}
)
# Whole file names (without extension) that are placeholders but too ordinary to be words above.
_PLACEHOLDER_STEMS = frozenset({"grey", "gray", "s", "clear", "dot", "none"})


class _AnyCase:
    """A case-insensitive pattern (written in lower case), fast on ASCII text.

    ``re.IGNORECASE`` defeats the engine's skip-ahead on literals: on a hashed file name, a
    case-sensitive search of the lower-cased name is about five times faster, and on ASCII text
    it finds the same. Other text keeps the full Unicode case rules.
    """

    __slots__ = ("_any_case", "_folded")

    def __init__(self, pattern: str) -> None:
        self._folded = re.compile(pattern)
        self._any_case = re.compile(pattern, re.IGNORECASE)

    def search(self, text: str) -> bool:
        if text.isascii():
            return self._folded.search(text.lower()) is not None
        return self._any_case.search(text) is not None

    def fullmatch(self, text: str) -> bool:
        if text.isascii():
            return self._folded.fullmatch(text.lower()) is not None
        return self._any_case.fullmatch(text) is not None


# NetEase's source-line icons: end_news.png, end_money.png, end_tech.png ...
_END_ICON = _AnyCase(r"end_[a-z]+\.png")
# Substring pre-checks: most file names are hashes, and need no splitting into words.
_ICON_HINT_WORDS = "logo|icon|avatar|qr|erweima|share|sprite"
_PLACEHOLDER_HINT_WORDS = "empty|blank|placeholder|spacer|lazy|loading|pixel|transparent"
_ICON_HINT = _AnyCase(_ICON_HINT_WORDS)
_PLACEHOLDER_HINT = _AnyCase(_PLACEHOLDER_HINT_WORDS)
_ONE_PIXEL = _AnyCase(r"(?<!\d)1x1(?!\d)")  # 1x1.gif, pixel_1x1.png; not 21x10.jpg
# One search that every placeholder (but the _PLACEHOLDER_STEMS) and every chrome file name passes:
# most names are hashes, and fail it at once instead of failing two searches each.
_PLACEHOLDER_ANY = _AnyCase(f"1x1|{_PLACEHOLDER_HINT_WORDS}")
_CHROME_NAME_ANY = _AnyCase(f"end_|{_ICON_HINT_WORDS}")
_IMAGE_FILE = _AnyCase(r"\.(?:jpe?g|png|gif|webp|bmp|avif)$")

_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_DIMENSION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*$", re.I)
_ICON_MAX_PX = 40  # both declared sides at most this: an icon or emoticon, not a picture
_TRACKER_MAX_PX = 2  # any declared side at most this: a tracking pixel or a rule

# Tags an image may sit in inside its own block; a div counts only as NetEase's mobile photo wrapper.
_INLINE = frozenset({"a", "span", "strong", "b", "em", "i", "font", "u", "div"})
_VIDEO_CLASS = _AnyCase("video")
# Words and marks that say a line is a caption: ▲ (points up at the image), 图为/图片来源, 截图, 摄 ...
# Anchored at the start or the end: prose may mention 截图 mid-sentence, a caption ends on its credit.
_CAPTION_CUE = re.compile(
    r"^(?:[▲△▼▽↑]|图为|图片来自|图源|[上下左右]图|图\s*[:：/丨|])"  # pointing at the image
    r"|图片来源[:：]"
    r"|(?:截图|截屏图?|资料图|供图|配图|[\s·（(]图|[\s（(]摄)\s*[)）]?$"  # the credit at the end
)
_OWN_CAPTION_MAX = 200  # characters of text beside the image in a centred block
_NEXT_CAPTION_MAX = 100  # characters of a caption paragraph after the image
_BARE_CAPTION_MAX = 40  # a cue-less caption: short, and no sentence stop
# A line that goes on (comma at the end) or is a sentence is prose; a bare number is a section mark.
_NOT_BARE = re.compile(r"[。！？!?；;]|[，,、：:]$|^[\d\W_]+$")
# Reader instructions under a picture (点击看清晰大图, 长按识别二维码) are not captions.
_INSTRUCTION = re.compile(r"点击|长按|扫码|二维码|查看大图|看大图")


def unwrap_image_url(src: str | None, base_url: str | None = None) -> str | None:
    """The real image URL: proxy wrappers (``nimg.ws.126.net/?url=...``) unwrapped, made absolute."""
    if not src:
        return None
    src = src.strip()
    if not src or src.startswith(("data:", "about:", "javascript:")):
        return None
    if src.startswith("//"):
        src = "https:" + src
    if "url=" in src:  # cheap test first: this runs for every candidate URL of every image
        parts = urlsplit(src)
        if parts.hostname in _PROXY_HOSTS:
            inner = parse_qs(parts.query).get("url")
            if inner and inner[0]:
                src = inner[0] if "://" in inner[0] else "https://" + inner[0].lstrip("/")
    if base_url and not _SCHEME.match(src):
        src = urljoin(base_url, src)
    return src


def images_from(nodes: Iterable[LexborNode], base_url: str | None = None) -> list[Image]:
    """Body images in order: real URL (lazy ``data-*`` over a placeholder ``src``, largest ``srcset``,
    ``<picture>`` sources, proxies unwrapped), and the caption shown under each (or None).

    Icons, logos, QR codes, trackers, placeholders and video posters are left out; an image seen
    twice (e.g. through the proxy and directly) is listed once.
    """
    found: list[tuple[str, LexborNode, int]] = []
    seen: set[str] = set()
    for node in nodes:
        root = node.mem_id
        for img in node.css("img"):
            attrs = img.attributes  # a new dict on every access: read it once
            src = _real_src(img, attrs, base_url)
            if src is None or _is_chrome(attrs, src) or _in_video(img, root):
                continue
            key = _identity(src)
            if key not in seen:
                seen.add(key)
                found.append((src, img, root))
    if not found:
        return []
    captions = [_caption_of(img, root) for _, img, root in found]
    if any(kind == "cue" for _, kind in captions):
        # The page writes captions as plain paragraphs after its images: a short line in the same
        # place under another image is one too, with or without a cue word.
        captions = [
            _caption_of(img, root, bare=True) if kind is None else (text, kind)
            for (_, img, root), (text, kind) in zip(found, captions, strict=True)
        ]
    return [Image(src=src, caption=text) for (src, _, _), (text, _) in zip(found, captions, strict=True)]


def _identity(src: str) -> str:
    """What makes two URLs the same image: http and https copies are one, and so are resized
    copies of one image file (``a.jpg`` and ``a.jpg?imageView&thumbnail=550x0``)."""
    rest = src.split("://", 1)[-1]
    path, _, _ = rest.partition("?")
    return path if _IMAGE_FILE.search(path) else rest


def _real_src(img: LexborNode, attrs: dict[str, str | None], base_url: str | None) -> str | None:
    """The first usable URL of: lazy ``data-*`` attributes, the largest ``srcset`` entry, ``src``,
    then the ``<source srcset>`` of an enclosing ``<picture>``."""
    candidates = [attrs.get(name) for name in _LAZY_ATTRS]
    candidates.extend(_largest_in_srcset(attrs.get(name)) for name in _SRCSET_ATTRS)
    candidates.append(attrs.get("src"))
    parent = img.parent
    if parent is not None and parent.tag == "picture":
        for source in parent.css("source"):
            candidates.extend(_largest_in_srcset(source.attributes.get(n)) for n in _SRCSET_ATTRS)
    for raw in candidates:
        src = unwrap_image_url(raw, base_url)
        if src is not None and not _is_placeholder(src):
            return src
    return None


def _largest_in_srcset(srcset: str | None) -> str | None:
    """The URL with the largest width (``640w``) or density (``2x``) descriptor in a srcset."""
    if not srcset:
        return None
    best: str | None = None
    best_size = (-1, -1.0)  # (has a width descriptor, value): widths outrank densities
    # Candidates are split at a comma after a descriptor or before whitespace, so a comma inside
    # a URL (CDN paths such as w_300,h_200) does not split it.
    for candidate in re.split(r"(?<=\d[wxh]),\s*|,\s+", srcset.strip()):
        parts = candidate.split()
        if not parts:
            continue
        url, descriptor = parts[0].rstrip(","), (parts[1] if len(parts) > 1 else "1x")
        try:
            value = float(descriptor[:-1])
        except ValueError:
            continue
        size = (1 if descriptor.endswith("w") else 0, value)
        if size > best_size:
            best, best_size = url, size
    return best


def _words(name: str) -> set[str]:
    """Lower-cased words of a file name: ``wxShareIcon@2x`` → {wx, share, icon, 2, x}."""
    return {w.lower() for w in _WORD.findall(name)}


def _file_name(src: str) -> str:
    """The last path segment, without query or fragment (a string split: urlsplit is slower)."""
    return src.split("#", 1)[0].split("?", 1)[0].rsplit("/", 1)[-1]


def _is_placeholder(src: str) -> bool:
    stem = _file_name(src).rsplit(".", 1)[0]
    if stem.lower() in _PLACEHOLDER_STEMS:
        return True
    if not _PLACEHOLDER_ANY.search(stem):
        return False
    if _ONE_PIXEL.search(stem):
        return True
    return _PLACEHOLDER_HINT.search(stem) and not _words(stem).isdisjoint(_PLACEHOLDER_WORDS)


def _is_chrome(attrs: dict[str, str | None], src: str) -> bool:
    """A logo, icon, avatar, QR or share button (by file name), or a tiny image (by declared size)."""
    name = _file_name(src)
    if _CHROME_NAME_ANY.search(name):
        if _END_ICON.fullmatch(name):
            return True
        stem = name.rsplit(".", 1)[0]
        if _ICON_HINT.search(stem) and not _words(stem).isdisjoint(_ICON_WORDS):
            return True
    sides = [_pixels(attrs.get(side)) for side in ("width", "height")]
    known = [s for s in sides if s is not None]
    if any(s <= _TRACKER_MAX_PX for s in known):
        return True
    return bool(known) and all(s <= _ICON_MAX_PX for s in known)


def _pixels(value: str | None) -> float | None:
    """A declared width/height in pixels (``626``, ``834.67``, ``12px``); None for ``100%``/``auto``."""
    if value is None:
        return None
    m = _DIMENSION.match(value)
    return float(m.group(1)) if m else None


def _in_video(img: LexborNode, root: int) -> bool:
    """True for a video's cover still (``figure.m-video``, ``.video-wrapper``): a video, not a picture."""
    node = img.parent
    while node is not None and node.mem_id != root:
        tag = node.tag  # read once: each read is a C call
        if tag == "p":
            return False
        cls = node.attrs.get("class")
        if tag == "video" or (cls and _VIDEO_CLASS.search(cls)):
            return True
        node = node.parent
    return False


def _collapse(text: str) -> str:
    # common.collapse, repeated here: common imports this module, so this one cannot import common.
    return " ".join(text.split())


def _is_centred(node: LexborNode) -> bool:
    """Centred by class (NetEase's ``f_center``), inline style or ``align``: how captions are set."""
    attrs = node.attributes
    cls = attrs.get("class") or ""
    style = (attrs.get("style") or "").replace(" ", "").lower()
    centred = "center" in cls or "text-align:center" in style or attrs.get("align") == "center"
    return centred or node.tag == "center"


def _caption_of(img: LexborNode, root: int, *, bare: bool = False) -> tuple[str | None, str | None]:
    """The caption under ``img`` and how it was found (``figure``, ``own``, ``centred``, ``cue``, ``bare``).

    In order: the ``<figcaption>`` of its figure; text beside it in its own centred block
    (``p.f_center``: image, ``<br>``, caption); the next paragraph when it is centred, or carries a
    caption cue (▲, 图为, 截图, 摄 ...), or — with ``bare``, once the page has shown it writes
    captions that way — when it is a short line with no sentence stop.
    """
    child, block = img, img.parent
    while block is not None and (tag := block.tag) in _INLINE and (tag != "div" or _is_photo_wrap(block)):
        child, block = block, block.parent
    if block is None:
        return None, None
    if block.tag == "figure":
        cap = first_element(block, "figcaption")
        text = _collapse(cap.text()) if cap is not None else ""
        return (text, "figure") if text else (None, None)
    own = ""
    if block.mem_id == root:
        block = child  # the image sits loose in the body: look at what follows it, not the whole body
    else:
        own = _collapse(block.text())
    if own:
        # Text in the image's own block is its caption in a centred picture block (p.f_center:
        # image, <br>, caption) or when it says it is one; otherwise the image sits inside prose.
        if is_boilerplate_line(own) or _INSTRUCTION.search(own):
            return None, None
        if _is_centred(block) and len(own) <= _OWN_CAPTION_MAX:
            return own, "own"
        if len(own) <= _NEXT_CAPTION_MAX and _CAPTION_CUE.search(own):
            return own, "own"
        return None, None
    nxt = _next_block(block)
    if nxt is None or nxt.tag != "p" or first_element(nxt, "img") is not None:
        return None, None
    text = _collapse(nxt.text())
    if not text or is_boilerplate_line(text) or _INSTRUCTION.search(text) or _is_heading(nxt, text):
        return None, None
    if _is_centred(nxt) and len(text) <= _NEXT_CAPTION_MAX:
        return text, "centred"
    if len(text) <= _NEXT_CAPTION_MAX and _CAPTION_CUE.search(text):
        return text, "cue"
    if bare and len(text) <= _BARE_CAPTION_MAX and not _NOT_BARE.search(text):
        return text, "bare"
    return None, None


def _is_photo_wrap(div: LexborNode) -> bool:
    # The mobile template wraps each photo: figure.m-photo > div.s-wrap > img.
    return "s-wrap" in (div.attrs.get("class") or "")


def _next_block(block: LexborNode) -> LexborNode | None:
    """The next element after ``block``, past whitespace, comments and empty paragraphs."""
    nxt = block.next
    while nxt is not None:
        if nxt.tag in ("-text", "-comment"):
            if _collapse(nxt.text_content or ""):
                return None  # loose text follows the image: body text, not a caption block
        elif not (nxt.tag == "p" and not _collapse(nxt.text()) and first_element(nxt, "img") is None):
            return nxt
        nxt = nxt.next
    return None


def _is_heading(p: LexborNode, text: str) -> bool:
    """A paragraph that is all bold (``<p><b>停车乱象普遍外溢</b></p>``): a sub-heading, not a caption."""
    bold = first_element(p, "b", "strong")
    return bold is not None and _collapse(bold.text()) == text
