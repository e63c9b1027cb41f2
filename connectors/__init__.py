"""Connectors turn tracker data into `storylint.model.Story` records.

They know nothing of rules. Each yields stories, or `Problem` records for items it could
not read, so one bad item never stops the others. Network connectors import their client
libraries lazily.
"""

from .base import Connector, StoryOrProblem

__all__ = ["Connector", "StoryOrProblem"]
