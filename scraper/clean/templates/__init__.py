"""NetEase page templates, in detection order (most specific first)."""

from __future__ import annotations

from .base import Template
from .bbs_2005 import Bbs2005
from .dy_v2 import DyV2
from .mobile import Mobile
from .pc_2014 import Pc2014
from .pc_2021 import Pc2021
from .pc_legacy import PcLegacy
from .pc_legacy_2004 import PcLegacy2004
from .pc_legacy_observe import PcLegacyObserve

__all__ = ["TEMPLATES", "Template"]

TEMPLATES: tuple[Template, ...] = (
    Pc2021(),
    Pc2014(),
    DyV2(),
    Mobile(),
    PcLegacyObserve(),
    PcLegacy(),
    PcLegacy2004(),
    Bbs2005(),
)
