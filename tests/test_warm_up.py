"""trafilatura (the last-resort cleaner, ~1.5 s to import) loads when a crawl starts, not inside its event loop."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path


def test_a_crawl_imports_trafilatura_before_fetching(tmp_path: Path) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text("", encoding="utf-8")
    script = textwrap.dedent(
        f"""
        import sys
        import scraper
        assert "trafilatura" not in sys.modules, "import scraper must not load trafilatura"
        from scraper.crawling import runner
        seen = []
        original = runner.warm_up
        def spy():
            original()
            seen.append("trafilatura" in sys.modules)
        runner.warm_up = spy
        runner.crawl({str(urls)!r}, {str(tmp_path / "out.jsonl")!r})
        assert seen == [True], seen
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_clean_html_alone_does_not_import_trafilatura() -> None:
    script = (
        "import sys; from scraper import clean_html; "
        "clean_html(open(sys.argv[1], 'rb').read()); "
        "assert 'trafilatura' not in sys.modules"
    )
    page = Path(__file__).resolve().parents[1] / "fixtures" / "pc-2021" / "news-tech.html"
    done = subprocess.run(
        [sys.executable, "-c", script, str(page)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
