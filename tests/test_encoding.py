"""Bytes to text: labels, lies, GBK, binary and empty input."""

from __future__ import annotations

import pytest

from scraper.encoding import decode_html, normalise_charset
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
