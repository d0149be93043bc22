"""A datatrove reader: NetEase articles from WARC files (Common Crawl's or ours), for corpus clusters.

``pip install 'netease-scraper[datatrove]'``, then put :class:`NeteaseWarcReader` first in a
datatrove pipeline (Local, Slurm or Ray executor; the README has complete scripts). It is a
datatrove ``BaseDiskReader``, so files are shared out across tasks (file ``i`` goes to task
``i % world_size``), and ``limit``, ``skip``, ``paths_file``, ``glob_pattern``, ``adapter``,
``default_metadata`` and fsspec paths (``s3://``, ``hf://``...) work as for datatrove's own readers.

Each record goes through exactly what ``netease-scraper clean x.warc.gz`` does to it: our WARC
reader (:func:`scraper.archive.read_warc_stream`, which survives lying lengths and cut or corrupt
gzip members), :func:`scraper.sources.warc_source_item`, then :func:`scraper.clean_saved.clean_page`
on the payload bytes with the HTTP charset (our decoding, not datatrove's). A cleaned article is
one ``Document``: ``text`` is the body, ``id`` the docid (``<file>/<offset>`` for a page without
one), ``metadata`` the other Article fields plus datatrove's ``file_path`` and the record's
``warc_offset``.

Nothing a record does stops the task. Every record that is not a document is counted in the
step's stats: ``skipped`` and ``skipped_<reason>`` (``non_response``, ``non_netease``,
``non_html``, ``http_<status>``), ``failed`` and ``failed_<reason>`` (the failure reasons of
``clean``: ``not_an_article``, ``no_body``, ``truncated``, ``bad_gzip``...). A file that cannot be
opened or read on is ``failed_read_error``, and the task goes on with its next file.

Our own modules are imported inside :meth:`NeteaseWarcReader.read_file`, as datatrove's steps do
with theirs: building and pickling the pipeline (on a Slurm login node, a Ray driver) loads only
datatrove, and the workers import the cleaner where they run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from datatrove.data import Document
from datatrove.io import DataFileLike, DataFolderLike
from datatrove.pipeline.readers.base import BaseDiskReader
from datatrove.utils.logging import logger

from .config import MAX_BODY_BYTES
from .errors import Reason

if TYPE_CHECKING:
    from .sources import SourceItem

__all__ = ["NeteaseWarcReader"]

UNIT = "record"  # how the skip/failure counts show in datatrove's stats ("/record")


class NeteaseWarcReader(BaseDiskReader):  # type: ignore[misc]  # datatrove has no type hints
    """Read WARC files (plain or ``.warc.gz``) and yield one cleaned NetEase article per page.

    **Parameters** (all but ``data_folder`` keyword-only; those shared with datatrove's
    ``WarcReader`` mean the same):

    - ``data_folder``: a path or URL (any fsspec protocol), ``(path, storage_options)``,
      ``(path, filesystem)`` or a datatrove ``DataFolder``; every file under it is read as a WARC
      unless ``glob_pattern`` (e.g. ``"*.warc.gz"``) or ``paths_file`` picks them.
    - ``limit`` / ``skip``: documents per task (articles, not records).
    - ``id_key``: the field of the article record that becomes ``Document.id`` (``"docid"``).
    - ``max_bytes``: a page larger than this is a ``too_large`` failure (never read whole).
    - ``adapter``, ``text_key``, ``default_metadata``, ``recursive``, ``shuffle_files``,
      ``file_progress``, ``doc_progress``, ``add_file_path``: as in datatrove.

    Compression is detected from the bytes, member by member (datatrove's ``compression`` option
    does not apply: a corrupt member must cost one record, not the rest of the file).
    """

    name = "📰 NetEase WARC"

    def __init__(
        self,
        data_folder: DataFolderLike,
        *,
        paths_file: DataFileLike | None = None,
        limit: int = -1,
        skip: int = 0,
        file_progress: bool = False,
        doc_progress: bool = False,
        adapter: Callable[..., dict[str, Any]] | None = None,
        text_key: str = "text",
        id_key: str = "docid",
        default_metadata: dict[str, Any] | None = None,
        recursive: bool = True,
        glob_pattern: str | None = None,
        shuffle_files: bool = False,
        add_file_path: bool = True,
        max_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        super().__init__(
            data_folder,
            paths_file=paths_file,
            limit=limit,
            skip=skip,
            file_progress=file_progress,
            doc_progress=doc_progress,
            adapter=adapter,
            text_key=text_key,
            id_key=id_key,
            default_metadata=default_metadata,
            recursive=recursive,
            glob_pattern=glob_pattern,
            shuffle_files=shuffle_files,
            add_file_path=add_file_path,
        )
        self.max_bytes = max_bytes

    def read_file(self, filepath: str) -> Iterator[Document]:
        """Documents for the NetEase articles of one WARC file; everything else goes to the stats."""
        from .archive import read_warc_stream
        from .sources import warc_source_item

        origin = str(self.data_folder.resolve_paths(filepath))
        try:
            with self.data_folder.open(filepath, "rb") as raw:
                for record in read_warc_stream(raw, max_bytes=self.max_bytes):
                    document = self._document(warc_source_item(record, origin), filepath, record.offset)
                    if document is not None:
                        yield document
        except OSError as exc:  # cannot open, or the storage failed mid-file (a network error)
            self._fail(origin, Reason.READ_ERROR, exc.strerror or str(exc), warn=True)
        except Exception as exc:  # a bug in reading one odd file must not end the task
            self._fail(origin, Reason.INTERNAL_ERROR, f"{type(exc).__name__}: {exc}", warn=True)

    def _document(self, item: SourceItem, filepath: str, offset: int) -> Document | None:
        """The article of one record as a Document, or None (counted as a skip or a failure)."""
        from .clean_saved import clean_page
        from .sources import Failed, Skipped

        if isinstance(item, Skipped):
            self.stat_update("skipped", f"skipped_{item.reason}", unit=UNIT)
            return None
        if isinstance(item, Failed):
            self._fail(item.origin, item.reason, item.message)
            return None
        with self.track_time():
            outcome = clean_page(item)
        if outcome.article is None:
            reason = outcome.reason or Reason.ERROR
            self._fail(outcome.origin, reason, outcome.message, warn=reason == Reason.INTERNAL_ERROR)
            return None
        data = dict(outcome.article)
        if data.get(self.id_key) is None:
            data.pop(self.id_key, None)  # then datatrove's adapter falls back to "<file>/<offset>"
        data["warc_offset"] = offset
        document: Document | None = self.get_document_from_dict(data, filepath, offset)
        return document

    def _fail(self, origin: str, reason: str, message: str, *, warn: bool = False) -> None:
        self.stat_update("failed", f"failed_{reason}", unit=UNIT)
        # Ordinary failures (a list page, a cut record) are many in a crawl: task log file only.
        (logger.warning if warn else logger.debug)(f"failed: {origin}: {reason}: {message}")
