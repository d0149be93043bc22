"""Cleaning cost in CPU instructions (valgrind): clean_html against the bare parse, without the VM's noise.

Wall-clock ratios on a shared 2-core VM swing by a tenth from run to run; instruction counts do
not, so this is the tool for telling whether a change made the cleaner cheaper. Each mode runs in
its own interpreter under ``valgrind --tool=callgrind``, over every page once; the interpreter's
start and the imports (the ``none`` mode) are subtracted. Instructions are not time: Python code
retires fewer instructions per cycle than lexbor's parser, so the wall-clock ratio of
``bench/clean_speed.py`` (the one the goal is judged by) comes out higher.

    python bench/clean_instructions.py [--pages ../shared/netease-pages]   # about two minutes
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from clean_speed import DEFAULT_PAGES  # the judged bench (run as bench/...: its folder is on sys.path)

MODES = ("none", "floor", "ours")

# What each mode runs, after the same imports and page reads: the functions bench/clean_speed.py times.
_CHILD = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from clean_speed import bare_parse, ours
pages = [p.read_bytes() for p in sorted(Path(sys.argv[2]).glob("*.html"))]
run = {"none": lambda data: None, "floor": bare_parse, "ours": ours}[sys.argv[1]]
for data in pages:
    run(data)
"""


def instructions(mode: str, pages: Path, out_dir: Path) -> int:
    """Instructions retired by one child interpreter running ``mode``."""
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_dir / mode}.out",
         sys.executable, "-c", _CHILD, mode, str(pages), str(Path(__file__).resolve().parent)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    found = re.search(r"Collected\s*:\s*(\d+)", result.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{result.stderr[-2000:]}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        parser.error("valgrind is not installed")
    count = len(list(args.pages.glob("*.html")))
    if not count:
        parser.error(f"no pages in {args.pages}")
    with tempfile.TemporaryDirectory() as tmp:
        ir = {mode: instructions(mode, args.pages, Path(tmp)) for mode in MODES}
    floor, ours = ir["floor"] - ir["none"], ir["ours"] - ir["none"]
    print(f"{count} pages, each once; interpreter start and imports ({ir['none'] / 1e6:,.0f} M) subtracted")
    print(
        f"{'bare lexbor parse (floor)':28s} {floor / 1e6:8,.1f} M instructions ({floor / count / 1e6:.2f} M/page)"
    )
    print(
        f"{'netease-scraper clean_html':28s} {ours / 1e6:8,.1f} M instructions ({ours / count / 1e6:.2f} M/page)"
    )
    print(f"cost over the bare parse:  {ours / floor:5.2f}x in instructions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
