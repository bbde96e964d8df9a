"""Fetching politely: the only package that talks HTTP.

``_client`` (the one httpx/tenacity user: retries, caps) and ``_politeness`` (per-host
pacing, Retry-After, robots.txt rules).
"""

from ._client import Fetcher
from ._politeness import HostThrottle, RobotsRules, robots_rules

__all__ = ["Fetcher", "HostThrottle", "RobotsRules", "robots_rules"]
