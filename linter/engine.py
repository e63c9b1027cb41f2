"""Placeholder replaced in the next commit by the rule engine."""
from __future__ import annotations
