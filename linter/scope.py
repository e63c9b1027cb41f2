"""The role boundary: is this story one a product manager wrote, and a story at all?

With no role configuration every story is in scope. Otherwise the author must match
one of the product-manager ids, e-mails, logins or groups, and the item must be a story
(issue type or label). The reason for skipping is reported, never silent.
"""

from __future__ import annotations

from .config import Config
from .model import Story


def _norm(values: list[str]) -> set[str]:
    return {v.strip().lower() for v in values if v.strip()}


def out_of_scope(story: Story, config: Config) -> str | None:
    """The reason a story is skipped, or None when it is linted."""
    roles = config.roles
    labels = {label.lower() for label in story.labels}
    author = story.author
    suppress = config.suppressions.label.lower()
    if suppress in labels:
        return f"suppressed by label '{config.suppressions.label}'"
    skip = _norm(roles.skip_labels) & labels
    if skip:
        return f"label '{min(skip)}' is in skip-labels"
    if roles.skip_bots and author is not None and author.is_bot:
        return f"author '{author.login or author.name}' is a bot"
    if roles.has_people:
        if author is None:
            return "no author, and roles name who the product managers are"
        matched = (
            (author.id and author.id.lower() in _norm(roles.ids))
            or (author.email and author.email.lower() in _norm(roles.emails))
            or (author.login and author.login.lower() in _norm(roles.logins))
            or (_norm(list(author.groups)) & _norm(roles.groups))
        )
        if not matched:
            who = author.login or author.name or author.email or author.id or "unknown"
            return f"author '{who}' is not a product manager (roles)"
    if roles.story_types or roles.story_labels:
        type_ok = bool(story.type and story.type.lower() in _norm(roles.story_types))
        label_ok = bool(labels & _norm(roles.story_labels))
        if not (type_ok or label_ok):
            if story.type and roles.story_types:
                return f"type '{story.type}' is not a story type"
            return "not marked as a story (story-types / story-labels)"
    return None
