"""Bytes to text: labels, lies, GBK, binary and empty input."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from scraper.encoding import Decoded, charset_from_content_type, decode_html, decode_page, normalise_charset
from scraper.errors import DecodeError

TEXT = "网易新闻：国务院发布《通知》，“数据”与镕、堃、喆等生僻字"  # 镕/堃/喆 are outside GB2312


def page(charset_meta: str, body: str = TEXT) -> str:
    return (
        f'<html><head><meta charset="{charset_meta}"><title>t</title></head><body><p>{body}</p></body></html>'
    )


@pytest.mark.parametrize("label", ["gb2312", "GBK", "x-gbk", "gb_2312-80", "GB18030", "cp936"])
def test_gb_labels_decode_as_gb18030(label: str) -> None:
    assert normalise_charset(label) == "gb18030"


def test_gbk_bytes_with_gb2312_label_keep_characters_outside_gb2312() -> None:
    data = page("gb2312").encode("gbk")
    assert TEXT in decode_html(data)


def test_lying_label_gb2312_but_utf8_bytes() -> None:
    data = page("gb2312").encode("utf-8")
    text = decode_html(data)
    assert TEXT in text and "\ufffd" not in text


def test_http_charset_wins_over_meta() -> None:
    data = page("utf-8").encode("gbk")  # the meta lies, the header is right
    assert TEXT in decode_html(data, http_charset="GBK")


def test_undeclared_gbk_is_detected() -> None:
    data = f"<html><body><p>{TEXT * 20}</p></body></html>".encode("gb18030")
    assert TEXT in decode_html(data)


def test_utf8_bom() -> None:
    assert decode_html(b"\xef\xbb\xbf" + page("utf-8").encode()).startswith("<html>")


def test_page_cut_mid_character_decodes_with_one_replacement() -> None:
    data = page("utf-8").encode("utf-8")
    cut = data[: data.index("镕".encode()) + 1]
    text = decode_html(cut)
    assert text.count("\ufffd") == 1 and "国务院" in text


@pytest.mark.parametrize("data", [b"", b"   \n\t "])
def test_empty_input(data: bytes) -> None:
    with pytest.raises(DecodeError) as err:
        decode_html(data)
    assert err.value.reason == "empty"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        b"\x1f\x8b\x08\x00" + b"\x00" * 100,
        bytes(range(256)) * 8,
    ],
)
def test_binary_input(data: bytes) -> None:
    with pytest.raises(DecodeError) as err:
        decode_html(data)
    assert err.value.reason == "binary"


# -- mixed bytes and lying single-byte labels ------------------------------------------------------

FRAGMENT = "（记者 沈一鸣 报道）"  # a byline pasted from an old GBK page
REPLACEMENT = "\ufffd"


def mixed_page(meta: str | None, fragment: bytes) -> tuple[bytes, str, str]:
    """A UTF-8 page (``meta`` as declared) with ``fragment`` in its last paragraph: bytes, head, tail."""
    head = "<html><head>" + (f'<meta charset="{meta}">' if meta else "") + "<title>t</title></head>"
    head += f"<body><p>{TEXT * 5}</p><p>"
    tail = f"</p><p>{TEXT}</p></body></html>"
    return head.encode() + fragment + tail.encode(), head, tail


@pytest.mark.parametrize("meta", ["utf-8", None, "gb2312"])
@pytest.mark.parametrize("http", [None, "ISO-8859-1", "windows-1252", "GBK"])
def test_utf8_page_with_a_short_gbk_fragment_is_utf8_with_the_bad_bytes_counted(
    meta: str | None, http: str | None
) -> None:
    data, head, tail = mixed_page(meta, FRAGMENT.encode("gbk"))
    got = decode_page(data, http_charset=http)
    assert got.encoding == "utf-8"
    assert got.text.startswith(head) and got.text.endswith(tail)  # every UTF-8 character intact
    middle = got.text[len(head) : len(got.text) - len(tail)]
    assert 0 < got.replaced == middle.count(REPLACEMENT) == got.text.count(REPLACEMENT)
    assert got.replaced <= len(FRAGMENT.encode("gbk"))
    assert decode_html(data, http_charset=http) == got.text


def test_u_fffd_written_in_the_page_is_not_counted() -> None:
    data, _, _ = mixed_page("utf-8", FRAGMENT.encode("gbk"))
    clean, _, _ = mixed_page("utf-8", FRAGMENT.encode())
    with_literal = data.replace(b"<p>", f"<p>{REPLACEMENT}".encode(), 1)
    assert decode_page(with_literal).replaced == decode_page(data).replaced
    assert decode_page(clean.replace(b"<p>", f"<p>{REPLACEMENT}".encode(), 1)).replaced == 0


@pytest.mark.parametrize("meta", ["gb2312", None])
@pytest.mark.parametrize("http", ["ISO-8859-1", "latin-1", "windows-1252", "us-ascii", "iso-8859-15"])
def test_single_byte_label_on_a_gbk_page_does_not_make_mojibake(meta: str | None, http: str) -> None:
    body = f"<p>{TEXT * 3}</p>"
    html = (
        "<html><head>" + (f'<meta charset="{meta}">' if meta else "") + f"</head><body>{body}</body></html>"
    )
    got = decode_page(html.encode("gbk"), http_charset=http)
    assert got.text == html and got.encoding == "gb18030" and got.replaced == 0


@pytest.mark.parametrize("http", ["ISO-8859-1", "windows-1252"])
def test_single_byte_label_on_a_utf8_page_does_not_make_mojibake(http: str) -> None:
    data = page("utf-8").encode()
    assert decode_page(data, http_charset=http) == decode_page(data)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("<p>Café crème, déjà vu à la carte.</p>", "ISO-8859-1"),
        ("<p>“Quoted” – and … more</p>", "windows-1252"),
        ("<p>Ökonomie für Anfänger</p>", "windows-1252"),
    ],
)
def test_a_real_western_page_with_its_label_still_decodes_in_it(text: str, label: str) -> None:
    data = f"<html><body>{text}</body></html>".encode(label)
    assert decode_html(data, http_charset=label) == data.decode(label)


def test_gbk_page_with_a_short_utf8_fragment_is_gbk() -> None:
    head, tail = f"<html><head><meta charset=gbk></head><body><p>{TEXT * 5}</p><p>", "</p></body></html>"
    got = decode_page(head.encode("gbk") + "（原标题：菜园）".encode() + tail.encode("gbk"))
    assert got.encoding == "gb18030" and got.text.startswith(head) and got.text.endswith(tail)


def test_a_meta_naming_utf16_on_an_8bit_page_is_ignored() -> None:
    data = page("utf-16").encode("gbk")
    assert TEXT in decode_html(data)


def test_valid_pages_have_no_replacements() -> None:
    assert decode_page(page("utf-8").encode()) == Decoded(page("utf-8"), "utf-8", 0)
    assert decode_page(page("gbk").encode("gbk")) == Decoded(page("gbk"), "gb18030", 0)


# -- the shared real pages ------------------------------------------------------------------------

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "netease-pages"


def _shared_pages() -> list[tuple[str, bytes, str]]:
    """(name, bytes, codec the MANIFEST gives for the bytes) of every shared page."""
    if not (SHARED / "MANIFEST.tsv").exists():
        return []
    out = []
    for row in csv.DictReader((SHARED / "MANIFEST.tsv").open(encoding="utf-8"), delimiter="\t"):
        codec = "gb18030" if "bytes=gbk" in row["encoding"] else "utf-8"
        out.append((row["file"], (SHARED / row["file"]).read_bytes(), codec))
    return out


needs_shared = pytest.mark.skipif(not _shared_pages(), reason="../shared/netease-pages is not present")


@needs_shared
@pytest.mark.parametrize("http", [None, "ISO-8859-1", "windows-1252"])
def test_shared_pages_decode_cleanly_whatever_single_byte_label_they_were_served_with(
    http: str | None,
) -> None:
    for name, data, codec in _shared_pages():
        got = decode_page(data, http_charset=http)
        assert (got.encoding, got.replaced) == (codec, 0), name
        assert got.text == data.decode(codec), name


@needs_shared
def test_shared_utf8_pages_with_a_gbk_fragment_keep_all_their_utf8_text() -> None:
    fragment = FRAGMENT.encode("gbk")
    for name, data, codec in _shared_pages():
        if codec != "utf-8":
            continue
        at = data.index(b"</p>", len(data) // 2)  # inside the body, or near it
        got = decode_page(data[:at] + fragment + data[at:])
        assert got.encoding == "utf-8", name
        assert got.text.startswith(data[:at].decode()) and got.text.endswith(data[at:].decode()), name
        assert 0 < got.replaced <= len(fragment), name


@pytest.mark.parametrize(
    ("header", "charset"),
    [
        ("text/html; charset=utf-8", "utf-8"),
        ("text/html;charset=GBK", "gbk"),
        ('text/html; charset="GB2312"', "gb2312"),
        ("text/html; charset='utf-8'", "utf-8"),
        ("text/html; Charset = UTF-8 ; q=1", "utf-8"),
        ('text/html; name="a;b"; charset=gbk', "gbk"),
        ("text/html; charset=", None),
        ("text/html", None),
        ("", None),
        (None, None),
    ],
)
def test_charset_from_content_type(header: str | None, charset: str | None) -> None:
    """One reader for the fetcher and the WARC reader."""
    assert charset_from_content_type(header) == charset
