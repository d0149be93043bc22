"""Checks made before a run writes anything: no output may clobber an input or a file we did not write.

Each check returns a problem (a usage error: exit 2) or None. Files are compared by identity
(``st_dev``/``st_ino``), so a hard link or a symlink is caught as well as the same name.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..jsonl import FAILURE_KEYS, OLDER_CLEAN_FAILURE_KEYS, OLDER_CRAWL_FAILURE_KEYS
from ..sources import STDIN, Failed, walk_folder

__all__ = [
    "CLEAN_FAILURE_SHAPES",
    "CRAWL_FAILURE_SHAPES",
    "clash_with_each_other",
    "clash_with_inputs",
    "failure_log_problem",
    "same_file",
]

# The key sets of the failure lines a command may replace: the one shape both write now, and the
# older ones (a clean run replaced failures of either command, a crawl only its own).
CLEAN_FAILURE_SHAPES = (FAILURE_KEYS, OLDER_CLEAN_FAILURE_KEYS, OLDER_CRAWL_FAILURE_KEYS)
CRAWL_FAILURE_SHAPES = (FAILURE_KEYS, OLDER_CRAWL_FAILURE_KEYS)
RECOGNISE_BYTES = 1024 * 1024  # the lines of a failures file looked at before it is replaced


def same_file(a: str | Path, b: str | Path) -> bool:
    """True when both paths exist and are one file (same device and inode)."""
    try:
        sa, sb = os.stat(a), os.stat(b)
    except (OSError, ValueError):
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def _inside(path: str | Path, folder: str | Path) -> bool:
    real, top = os.path.realpath(path), os.path.realpath(folder)
    return real != top and os.path.commonpath([real, top]) == top


def clash_with_inputs(target: str | Path, label: str, inputs: Sequence[str]) -> str | None:
    """Why ``target`` (an output) would overwrite an input, or None.

    Refused: the same file as an input (any name for it), a path inside an input folder, and an
    existing file that the walk of an input folder would read (a hard link or symlink in it).
    """
    for raw in inputs:
        if raw == STDIN:
            continue
        if same_file(target, raw):
            return f"the {label} {target} is the input {raw}"
        if os.path.isdir(raw) and _inside(target, raw):
            return f"the {label} {target} is inside the input folder {raw}"
    try:
        st = os.stat(target)
    except (OSError, ValueError):
        return None  # it does not exist yet: nothing of the inputs can be it
    folders = [raw for raw in inputs if raw != STDIN and os.path.isdir(raw)]
    for folder in folders:  # a stat per file: small next to cleaning the file
        for found in walk_folder(Path(folder)):
            if isinstance(found, Failed):  # an entry the walk cannot read (a symlink loop): not ours
                continue
            try:
                fs = os.stat(found)
            except OSError:
                continue
            if (fs.st_dev, fs.st_ino) == (st.st_dev, st.st_ino):
                return f"the {label} {target} is the input {found} (under another name)"
    return None


def clash_with_each_other(targets: Iterable[tuple[str, str | Path]]) -> str | None:
    """Why two of the ``(label, path)`` files a run writes or reads are one file, or None."""
    seen: list[tuple[str, str | Path]] = []
    for label, path in targets:
        for other_label, other in seen:
            if same_file(path, other) or os.path.abspath(path) == os.path.abspath(other):
                return f"the {label} and the {other_label} are the same file: {path}"
        seen.append((label, path))
    return None


def failure_log_problem(path: str | Path, label: str, keys: Iterable[frozenset[str]]) -> str | None:
    """Why the run must not replace ``path`` with its failure records, or None.

    A missing file, an empty one, a non-regular file (``/dev/stderr``, a pipe: written to, never
    removed) and a file of our failure records may be used. Anything else is somebody's data.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        return f"cannot use the {label} {path}: {exc}"
    if os.path.isdir(path):
        return f"the {label} {path} is a folder"
    if not os.path.isfile(path) or st.st_size == 0:
        return None
    if _is_failure_log(Path(path), tuple(keys)):
        return None
    return (
        f"the {label} {path} exists and is not a failures file written by netease-scraper; "
        "remove it or name another file"
    )


def _is_failure_log(path: Path, keys: tuple[frozenset[str], ...]) -> bool:
    """True when the complete lines in the first MiB of ``path`` are failure records with ``keys``."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(RECOGNISE_BYTES)
    except OSError:
        return False
    lines = head.split(b"\n")[:-1]  # the last piece is unterminated (cut by us, or by a kill)
    if not lines:
        return False
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            return False
        if not isinstance(record, dict) or frozenset(record) not in keys:
            return False
    return True
