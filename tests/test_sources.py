"""CLI paths to SavedPage / Skipped / Failed items: files, folders, .gz, stdin, WARC."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from test_warc_read import Rec, netease_page, write_warc

from scraper.sources import (
    Failed,
    SavedPage,
    Skipped,
    input_kind,
    iter_sources,
    missing_paths,
    walk_folder,
)


def make_tree(root: Path) -> None:
    """A folder with pages, compressed pages, a WARC, hidden entries and files that are not pages."""
    (root / "b").mkdir(parents=True)
    (root / "a" / "deep").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "z.html").write_bytes(netease_page("z"))
    (root / "b" / "2.htm").write_bytes(netease_page("2"))
    (root / "b" / "1.SHTML").write_bytes(netease_page("1"))
    (root / "a" / "deep" / "x.html.gz").write_bytes(gzip.compress(netease_page("x")))
    (root / "a" / "crawl.warc.gz").write_bytes(b"")
    (root / "a" / "notes.txt").write_text("not a page")
    (root / "a" / "data.json.gz").write_bytes(gzip.compress(b"{}"))
    (root / ".hidden" / "h.html").write_bytes(netease_page("h"))
    (root / ".dot.html").write_bytes(netease_page("dot"))


def test_walk_is_recursive_sorted_and_filtered(tmp_path: Path) -> None:
    make_tree(tmp_path)
    found = [p.relative_to(tmp_path).as_posix() for p in walk_folder(tmp_path) if isinstance(p, Path)]
    assert found == ["a/crawl.warc.gz", "a/deep/x.html.gz", "b/1.SHTML", "b/2.htm", "z.html"]


def test_walk_does_not_follow_folder_symlinks(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "p.html").write_bytes(b"x")
    (tmp_path / "real" / "loop").symlink_to(tmp_path, target_is_directory=True)
    assert [p.name for p in walk_folder(tmp_path) if isinstance(p, Path)] == ["p.html"]


def test_folder_items_in_order_with_gz_decompressed(tmp_path: Path) -> None:
    make_tree(tmp_path)
    write_warc(tmp_path / "a" / "crawl.warc.gz", [Rec(rec_type="request"), Rec(body=netease_page("w"))])
    items = list(iter_sources([str(tmp_path)]))
    origins = [i.origin for i in items]
    warc = str(tmp_path / "a" / "crawl.warc.gz")
    assert origins[0] == f"{warc}#0"
    assert origins[1].startswith(f"{warc}#") and origins[1] != origins[0]
    assert origins[2:] == [str(tmp_path / p) for p in ("a/deep/x.html.gz", "b/1.SHTML", "b/2.htm", "z.html")]
    assert isinstance(items[0], Skipped) and items[0].reason == "non_response"
    assert isinstance(items[1], SavedPage) and items[1].url and items[1].charset == "utf-8"
    assert items[2] == SavedPage(origins[2], netease_page("x"))


def test_explicit_file_is_a_page_whatever_its_name(tmp_path: Path) -> None:
    page = tmp_path / "saved.txt"
    page.write_bytes(netease_page())
    (item,) = iter_sources([str(page)], url="https://www.163.com/news/article/ABCDEFGH00018990.html")
    assert item == SavedPage(
        str(page), netease_page(), url="https://www.163.com/news/article/ABCDEFGH00018990.html"
    )


def test_gzip_page_is_sniffed_by_content(tmp_path: Path) -> None:
    page = tmp_path / "served.html"  # saved with Content-Encoding kept
    page.write_bytes(gzip.compress(netease_page()))
    (item,) = iter_sources([str(page)])
    assert isinstance(item, SavedPage) and item.content == netease_page()


def test_warc_is_sniffed_by_content(tmp_path: Path) -> None:
    odd = tmp_path / "CC-MAIN-segment.bin"
    write_warc(odd, [Rec(body=netease_page())])
    assert input_kind(str(odd)) == "warc"
    (item,) = iter_sources([str(odd)])
    assert isinstance(item, SavedPage) and item.origin == f"{odd}#0"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (gzip.compress(netease_page())[:-30], "bad_gzip"),  # truncated
        (b"\x1f\x8b\x08\x00" + b"\xff" * 40, "bad_gzip"),  # corrupt
    ],
)
def test_broken_gzip_page_is_a_failure(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "p.html.gz"
    path.write_bytes(data)
    (item,) = iter_sources([str(path)])
    assert isinstance(item, Failed) and item.reason == reason and item.origin == str(path)


def test_too_large_is_a_failure_also_when_compressed(tmp_path: Path) -> None:
    plain = tmp_path / "big.html"
    plain.write_bytes(b"<p>" + b"x" * 5000)
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip.compress(b"\0" * 5_000_000))
    small = tmp_path / "small.html"
    small.write_bytes(b"<p>ok</p>")
    items = list(iter_sources([str(plain), str(bomb), str(small)], max_bytes=1000))
    assert [(type(i).__name__, getattr(i, "reason", "")) for i in items] == [
        ("Failed", "too_large"),
        ("Failed", "too_large"),
        ("SavedPage", ""),
    ]


def test_empty_file_is_passed_on_for_the_cleaner_to_judge(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    (item,) = iter_sources([str(empty)])
    assert item == SavedPage(str(empty), b"")


def test_stdin(tmp_path: Path) -> None:
    (item,) = iter_sources(["-"], stdin=io.BytesIO(netease_page()), url="https://www.163.com/x.html")
    assert item == SavedPage("<stdin>", netease_page(), url="https://www.163.com/x.html")
    (item,) = iter_sources(["-"], stdin=io.BytesIO(gzip.compress(netease_page())))
    assert isinstance(item, SavedPage) and item.content == netease_page()


def test_vanished_and_unreadable_files_are_failures(tmp_path: Path) -> None:
    gone = tmp_path / "gone.html"
    folder_as_page = tmp_path / "dir.warc"  # a folder named like a WARC is walked, not opened
    folder_as_page.mkdir()
    items = list(iter_sources([str(gone), str(folder_as_page)]))
    assert len(items) == 1
    assert isinstance(items[0], Failed) and items[0].reason == "not_found"


def test_unreadable_path_is_a_read_error(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_bytes(b"x")
    bad = page / "inside.html"  # a file used as a folder: ENOTDIR, which even root cannot read
    (item,) = iter_sources([str(bad)])
    assert isinstance(item, Failed) and item.reason == "read_error" and item.message


def test_broken_warc_records_become_failures_with_offsets(tmp_path: Path) -> None:
    path = tmp_path / "cut.warc.gz"
    offsets = write_warc(path, [Rec(body=netease_page(str(i))) for i in range(3)])
    path.write_bytes(path.read_bytes()[: offsets[2] + 40])
    items = list(iter_sources([str(path)]))
    assert [type(i).__name__ for i in items] == ["SavedPage", "SavedPage", "Failed"]
    assert items[2].origin == f"{path}#{offsets[2]}"
    assert isinstance(items[2], Failed) and items[2].reason == "truncated"


def test_inputs_keep_their_order(tmp_path: Path) -> None:
    names = ["c.html", "a.html", "b.html"]
    for n in names:
        (tmp_path / n).write_bytes(netease_page(n))
    items = list(iter_sources([str(tmp_path / n) for n in names]))
    assert [Path(i.origin).name for i in items] == names


def test_missing_paths_and_kinds(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_bytes(b"x")
    assert missing_paths(["-", str(page), str(tmp_path / "nope")]) == [str(tmp_path / "nope")]
    assert input_kind("-") == "stdin"
    assert input_kind(str(tmp_path)) == "folder"
    assert input_kind(str(page)) == "page"
    assert input_kind(str(tmp_path / "x.warc.gz")) == "warc"


def test_a_warc_with_an_unreadable_content_length_is_a_failure_and_the_run_goes_on(tmp_path: Path) -> None:
    warc = tmp_path / "a.warc"
    write_warc(warc, [Rec(body=netease_page("1")), Rec(body=netease_page("2"))], gz=False)
    data = warc.read_bytes()
    at = data.index(b"Content-Length: ") + len(b"Content-Length: ")
    warc.write_bytes(data[:at] + "²".encode() + data[at:])  # "²169": isdigit() but not int()
    (tmp_path / "b.html").write_bytes(netease_page("b"))
    items = list(iter_sources([str(tmp_path)]))
    assert [type(i).__name__ for i in items] == ["Failed", "SavedPage", "SavedPage"]
    assert isinstance(items[0], Failed) and items[0].reason == "bad_header" and "²" in items[0].message
    assert [i.content for i in items[1:] if isinstance(i, SavedPage)] == [
        netease_page("2"),
        netease_page("b"),
    ]


def test_symlink_loops_in_a_folder_are_failures_and_the_walk_goes_on(tmp_path: Path) -> None:
    (tmp_path / "self.html").symlink_to("self.html")  # points at itself
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a").symlink_to("b")  # a -> b -> a, no page suffix
    (tmp_path / "sub" / "b").symlink_to("a")
    (tmp_path / "z.html").write_bytes(netease_page("z"))
    items = list(iter_sources([str(tmp_path)]))
    assert [(type(i).__name__, Path(i.origin).name) for i in items] == [
        ("Failed", "self.html"),
        ("Failed", "a"),
        ("Failed", "b"),
        ("SavedPage", "z.html"),
    ]
    loops = [i for i in items[:3] if isinstance(i, Failed)]
    assert len(loops) == 3 and all(i.reason == "read_error" and "symbolic links" in i.message for i in loops)
