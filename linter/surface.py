"""A sentence whose order asks for the product's own surface: what its users observe and set.

In a product whose users are developers or operators, its surface is made of things that
sound technical but are what those users see and use: its metrics and their tags, the
values a setting accepts, the warnings and error messages it logs, the artifacts it
publishes. A sentence that asks for such a thing ("Expose the store's entry count as a
metric", "Add the application id as a tag to the state metric", "Add an allowed value of -1
for the linger setting", "log a warning when users set a config the library controls",
"Remove the language version from the artifacts' names") states WHAT the product is to
offer, even where it names a public class or a config key to say where. Its names are
the surface's content, not the construction's.

A sentence that also names the construction (a class, a method, a table, a library, a
cache ...) or the means ("using Micrometer", "via a new thread", "store it in ...") still
directs how to build it, and is not read so.
"""

from __future__ import annotations

import re

from .lazyre import lazy

#: words one of which a sentence must hold for the pattern to be asked at all
GATE = frozenset({
    "metric", "metrics", "gauge", "gauges", "tag", "tags", "option", "options", "setting", "settings",
    "warning", "warnings", "warn", "message", "messages", "error", "value", "values", "artifact", "artifacts",
    "tarball", "tarballs",
})  # fmt: skip

# what the order asks for, by its result:
_SURFACE_RE = lazy(
    # "Expose X as a metric", "Add X as a tag to the Y metric", "offer X as a config option"
    r"\bas\s++(?:an?\s++|the\s++)?(?:new\s++|separate\s++|dedicated\s++|additional\s++|public\s++)?"
    r"(?:[\w-]++\s++)?(?:metrics?|gauges?|tags?|(?:config(?:uration)?\s++)?(?:options?|settings?))\b"
    # "Add batch-linger-time metrics", "Expose a gauge for the queue's depth"
    r"|\b(?:add|expose|introduce|emit|publish|provide)\s++(?:an?\s++|the\s++|new\s++|more\s++)*+"
    r"(?:[`'\"{]*+[\w.-]++[`'\"}]*+\s++){0,3}?(?:metrics?|gauges?)\b"
    # "fast enough to be used in metrics", "reported in the client metrics"
    r"|\b(?:used|shown|reported|exposed|included|published|visible|available)\s++(?:in|as|through)\s++"
    r"(?:the\s++)?(?:[\w-]++\s++)?metrics\b"
    # "log a warning when ...", "log an error message", "emit a deprecation warning"
    r"|\b(?:log|logs|logged|logging|emit|emits|print|prints|show|shows|display|displays|surface)\s++(?:an?\s++)?"
    r"(?:clear(?:er)?\s++|better\s++|helpful\s++|useful\s++|meaningful\s++|descriptive\s++|deprecation\s++)?"
    r"(?:warn(?:ing)?s?|error\s++messages?|(?:warning|log)\s++messages?)\b"
    # "Add a new allowed value for X", "the valid values of X", "change the default value of X"
    r"|\b(?:allowed|valid|accepted|permitted|supported|default)\s++values?\s++(?:for|of)\b"
    # "Remove the scala version from artifacts", "the artifact names"
    r"|\bfrom\s++(?:the\s++|all\s++|our\s++)?(?:published\s++|released?\s++|maven\s++)?(?:artifacts?|tarballs?)\b"
    r"|\bartifacts?\s++names?\b",
    re.IGNORECASE,
)

# ... unless the sentence names the construction or the means as well
_CONSTRUCTION_RE = lazy(
    r"\b(?:class(?:es)?|methods?|functions?|interfaces?|modules?|tables?|columns?|schemas?|index(?:es)?|"
    r"librar(?:y|ies)|frameworks?|databases?|threads?|fields?|variables?|enums?|structs?|constructors?|"
    r"endpoints?|queues?|caches?|refactor(?:s|ed|ing)?|migrat(?:e|es|ed|ing|ion)|us(?:e|es|ing)|via|"
    r"stor(?:e|es|ing)|persist(?:s|ing)?|replac(?:e|es|ing)|switch(?:es|ing)?\s++to|rewrit(?:e|es|ing))\b",
    re.IGNORECASE,
)


def surface_asked(text: str, vocab: frozenset[str]) -> bool:
    """The sentence `text` (its lower-case words `vocab`) asks for the product's own surface
    (a metric, a tag, a setting's value, a logged warning, an artifact) and names no
    construction or means. (Asked once a sentence: `SentenceInfo.asks_surface`.)"""
    if vocab.isdisjoint(GATE):
        return False
    return _SURFACE_RE.search(text) is not None and _CONSTRUCTION_RE.search(text) is None
