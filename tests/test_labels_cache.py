"""The line judges' caches hold short lines only: a whole article on one line is judged, not kept."""

from __future__ import annotations

from scraper.clean import labels


def test_long_lines_are_judged_without_entering_the_caches() -> None:
    chrome_before = labels._is_chrome_line_cached.cache_info().currsize
    heading_before = labels._is_short_list_heading.cache_info().currsize
    article = "这是一整篇只有一行的文章，句子很多。" * 500
    assert not labels.is_chrome_text(article)
    assert not labels.is_list_heading(article)
    assert labels._is_chrome_line_cached.cache_info().currsize == chrome_before
    assert labels._is_short_list_heading.cache_info().currsize == heading_before
    # short lines are cached, and the answer is the same either way
    assert labels.is_chrome_text(
        "特别声明：以上内容为自媒体平台“网易号”用户上传并发布，本平台仅提供信息存储服务。"
    )
    assert labels.is_list_heading("【相关推荐】")
    assert labels.is_list_heading("【相关推荐】")
