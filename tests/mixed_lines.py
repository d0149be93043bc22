"""Generated lines for the prefilter tests: a check's own words mixed with filler, so both answers occur."""

from __future__ import annotations

import random
from collections.abc import Sequence


def mixed_lines(
    seed: int, words: Sequence[str], filler: Sequence[str], count: int, most_parts: int
) -> list[str]:
    """``count`` lines of 1 to ``most_parts`` parts, each a word or a filler piece with even odds."""
    rng = random.Random(seed)
    lines = []
    for _ in range(count):
        parts = [
            rng.choice(words) if rng.random() < 0.5 else rng.choice(filler)
            for _ in range(rng.randint(1, most_parts))
        ]
        lines.append("".join(parts))
    return lines
