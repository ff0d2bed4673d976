"""Platform colours shared by every chart."""

from __future__ import annotations

__all__ = ["PLATFORM_COLORS", "platform_color"]

#: One colour per platform, close to each brand's own colour but distinguishable side by side.
PLATFORM_COLORS = {
    "facebook": "#1877F2",
    "instagram": "#C13584",
    "x": "#14171A",
    "linkedin": "#0A66C2",
    "youtube": "#FF0000",
    "tiktok": "#25F4EE",
    "mastodon": "#6364FF",
    "xing": "#026466",
    "whatsapp": "#25D366",
    "threads": "#7F7F7F",
    "bluesky": "#1185FE",
    "pinterest": "#E60023",
}
_FALLBACK = ["#8C564B", "#BCBD22", "#17BECF", "#9467BD", "#FF7F0E", "#2CA02C"]


def platform_color(platform: str) -> str:
    """The colour of ``platform`` (a stable fallback colour for platforms not listed)."""
    if platform in PLATFORM_COLORS:
        return PLATFORM_COLORS[platform]
    return _FALLBACK[sum(map(ord, platform)) % len(_FALLBACK)]
