"""`kind = "identifiers"`: names from code (snake_case, camelCase, CamelCase, dotted
paths, `call()`, source file paths) in a sentence that tells the team what to change.

Inside inline code any identifier shape counts; in running text only the shapes no
prose word has (snake_case, camelCase, `a.b()`), or a CamelCase name next to a code
noun ("the LifecycleEdit component") or after a title's order to change the code ("Rename
ResourceStatistics"), so product names like GitLab do not count.
`unless-any` words skip a sentence: the names in "add keep_acl and keep_xattr options" are
settings the product offers its users.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..analysis import Analysis, SentenceInfo
from ..lazyre import lazy
from ..recache import compile as compile_re
from .base import Check, Hit, PhraseIndex, count, str_list

SNAKE = lazy(r"^_?[A-Za-z][A-Za-z0-9]*(?:_{1,2}[A-Za-z0-9]+)+[?!]?$")
# ... and in code spans also a Python dunder name (`__future__`, `__setitem__`); in running
# text "__Note__" is Markdown's bold
_CODE_SNAKE = lazy(r"^_?[A-Za-z][A-Za-z0-9]*(?:_{1,2}[A-Za-z0-9]+)+[?!]?$|^__[a-z][a-z0-9_]*__$")
class _Camel:
    """lowerCamelCase with a real hump (hasChanges, not eBPF or iOS), checked in linear time."""

    _WORD = re.compile(r"[a-z][A-Za-z0-9]*[?!]?")
    _HUMP = re.compile(r"[A-Z][a-z0-9]")

    def match(self, word: str) -> bool:
        return bool(self._WORD.fullmatch(word) and self._HUMP.search(word))


CAMEL = _Camel()


class _TextCamel(_Camel):
    """... and in running text not a name whose first hump is one letter (iCal, vSphere, eBay,
    tRESTClient): that is how brands and a product's own palette items are spelt (Apple's
    i-, VMware's v-, Talend's t- components); code's camelCase starts with a word (hasChanges).
    The prefixes of the common naming conventions for members, statics, constants and globals
    (mCount, sInstance, kMaxSize, gSettings) stay code. In a code span it is code anyway."""

    _CONVENTION_PREFIXES = frozenset("mskg")

    def match(self, word: str) -> bool:
        if not super().match(word):
            return False
        return not (len(word) > 1 and word[1].isupper()) or word[0] in self._CONVENTION_PREFIXES


TEXT_CAMEL = _TextCamel()
PASCAL = lazy(r"^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+$")
DOTTED = lazy(r"^[A-Za-z_$][\w$]*(?:(?:\.|::|->|#)[A-Za-z_$][\w$]*)+(?:\(.{0,80}\))?[?!]?$")
CALL = lazy(r"^[A-Za-z_$][\w$.]*\(.{0,80}\)$")
PATH = lazy(
    r"^[\w@~./-]*[\w-]\.(?:rb|py|js|jsx|mjs|ts|tsx|go|java|kt|php|vue|svelte|yml|yaml|toml|cfg|ini|xml|sql|sh|css|scss|less|html|erb|haml|cs|cpp|h|rs|swift|gradle|lock|env|c|cc|cxx|hpp|hh|jsm|xul|inc|dtd|ftl|properties|idl|scala|groovy|dart|lua|cmake|mk|bat|ps1)$"
)
# A build's own files go by a fixed name, not an extension (`Makefile`, "the Vagrantfile",
# "partition SConstruct"): named in an order, each is the file to change as a `setup.py` is.
# No prose word is spelt so, but none has the shape `_MAYBE_CODE` looks for either, nor an
# extension a path rule's quick literals list: a rule that finds paths looks for them in a
# story its quick literals pass over too, where the story's one scan finds such a name.
_BUILD_FILE_NAMES = r"(?:Make|Docker|Vagrant|Jenkins|Gem|Rake|Pod|Proc|Brew|Container)file|SCons(?:truct|cript)"
BUILD_FILE = lazy(rf"^(?:[\w@~.-]*/)*(?:{_BUILD_FILE_NAMES}|CMakeLists\.txt)$")
_BUILD_FILE_IN = lazy(rf"\b(?:{_BUILD_FILE_NAMES}|CMakeLists)\b")
# asked of the one scan as a key of its own, in its small case-sensitive set: as CS04's quick
# literals ("makefile", case-insensitive) the names grew the DFA states of a large set story
# after story (its scans of 1,000 stories +34 M instructions, of 3,000 +59 M; this key: +4 M, +6 M)
BUILD_FILE_KEY = (_BUILD_FILE_IN.pattern, False)


def _names_build_file(a: Analysis) -> bool:
    """Some word of the story may be a build file's name (asked once per story, by the rules
    that find paths): the one scan's answer where it gave one (a "maybe" is only let look: each
    sentence is searched before a name is taken), else a substring test, then the pattern."""
    if not a.may_match(BUILD_FILE_KEY):
        return False
    if a.scanned_for(BUILD_FILE_KEY):
        return True
    text = a.all_text()
    return ("file" in text or "SCons" in text or "CMakeLists" in text) and _BUILD_FILE_IN.search(text) is not None


# a name that reads as a database column or record field: order_id, shipped_at, Account__c
COLUMN = lazy(
    r"^(?:[a-z][a-z0-9]*_)+(?:id|ids|uuid|at|on|by|count|date|time|timestamp|flag|name|type|status|state|code|key|url|"
    r"amount|total|score|level|value)[?!]?$|^[A-Z]?\w+__c$"
)
MAX_IDENTIFIER = 120  # longer "words" are not names anyone types; skipping them keeps scans linear
SHAPES: dict[str, Any] = {"snake": _CODE_SNAKE, "camel": CAMEL, "pascal": PASCAL, "dotted": DOTTED, "call": CALL, "path": PATH, "column": COLUMN}
_TEXT_WORD = lazy(r"[\w@~./$:#>-]+(?:\(\))?")
_TEXT_SHAPES = ("snake", "camel", "dotted", "call", "path", "column")
# In running text a dotted name must look like code (`window.onFocus`, `a.b()`), not a
# product or file name (socket.io, favicon.ico) or a scoped label (Team::Backend).
# second segment: `(?:[^\W A-Z_]|\$)*` up to its first [A-Z_], not `[\w$]*`, which
# backtracks quadratically on a.aBBBB...B- (words are also capped at MAX_IDENTIFIER)
# A class's member (`Utils.getJCEProvider`, `CrawlDatum.statNames`) is code too, and so is a
# compound name's method, named by a verb as .NET names them (`SmtpSender.CreateMailMessage`);
# `String.Format`, `System.IO`, `ASP.NET` and `ServiceStack.OrmLite` read as a product's or a
# namespace's name. A package's or a variable's type and its member (`settings.Profile.Nick`,
# `os.Stdout.Write`) is code by its three parts, the second capitalised: the two-part
# "end.The" is a sentence's end with its space lost, "e.g.The" and "N.B." abbreviations (one
# letter a part), "www.Example.com" a domain. A fully qualified class (`org.example.util.StringHelper`,
# `java.io.File`: lower-case packages, then the class) is code, and so is a package named the
# reverse-domain way (`com.example.billing`); other all-lower-case dotted names are as often a
# site (docs.example.com) or a file (settings.local.json). A file named by its package
# (`org.example.app.cfg`, `com.example.Order.java`) is a path (CS04's), and a site's address
# run into the next sentence ("example.com.The") no class.
# what ends a site's address or a file's name, not a package's or a class's
_TLDS = "com|org|net|edu|gov|io|co|uk|de|info"
_FILE_EXTENSIONS = (
    "rb|py|js|jsx|mjs|ts|tsx|go|java|kt|php|vue|svelte|ya?ml|toml|cfg|ini|xml|sql|sh|css|scss|less|html?|erb|haml|cs|"
    "cpp|h|rs|swift|gradle|lock|env|properties|conf|txt|json|md|pdf|log|csv|zip|jar|war|ear|gz|tar|class"
)
_TEXT_DOTTED = lazy(
    r"^(?:[A-Za-z_$][\w$]*\.[a-z_$](?:[^\WA-Z_]|\$)*[A-Z_][\w$]*|[A-Za-z_$][\w$.]*\(.{0,80}\)"
    r"|(?![\w$.]*\.(?:com|org|net|edu|gov|io|co|uk|de|info)$)[a-z_$][\w$]++\.[A-Z][\w$]++(?:\.[A-Za-z_$][\w$]*+)++"
    rf"|(?![\w$.]*\.(?:{_TLDS}|{_FILE_EXTENSIONS})$|[\w$.]*\.(?:com|org|net|{_FILE_EXTENSIONS})\.[A-Z])[a-z][a-z0-9_]++(?:\.[a-z][a-z0-9_]++)++\.[A-Z][\w$]*+(?:\.[A-Za-z_$][\w$]*+)*+"
    rf"|(?![\w.]*\.(?:{_TLDS}|{_FILE_EXTENSIONS})$)(?:com|org|net|io)(?:\.[a-z][a-z0-9_]++){{2,}}+"
    r"|[A-Z][a-z0-9]++(?:[A-Z][a-z0-9]++)++\.(?:Create|Get|Set|Add|Remove|Update|Delete|Is|Has|Can|Make|Build|Find|Load|Save|"
    r"Read|Write|Parse|Convert|To|On|Handle|Process|Register|Resolve|Init|Initialize|Validate|Send|Run|Execute|Start|Stop|"
    r"Open|Close|Dispose|Clear|Reset|Apply|Compute|Calculate|Render|Fetch|Try)(?:[A-Z][a-z0-9]++)++)$"
)
# A scoped name (Gitlab::GitLogger, mesos::slave::State, core_text::convert, Javadoc's
# HtmlReporter#Style) is code when it has three parts, a part only code spells, or is called
# (`Master::subscribe()`); "workflow::ready" and "Team::Backend" are labels, as is any in a
# story about labels.
_SCOPED = lazy(r"^(?:[A-Za-z_]\w*+(?:::|#))++[A-Za-z_]\w*+(\(\))?$")
_CODE_SPELLING = lazy(r"[a-z][A-Z]|[A-Za-z0-9]_[A-Za-z0-9]")
_LABEL_WORDS = frozenset({"label", "labels", "labelled", "labeled", "scoped"})


# namespaces only code has: C++'s standard library and Boost, Rust's crate root
_CODE_NAMESPACES = ("std::", "boost::", "crate::")


def _scoped_code(word: str) -> bool:
    m = _SCOPED.match(word)
    return m is not None and (
        m.group(1) is not None  # called: `Master::subscribe()` (no label is called)
        or word.count("::") + word.count("#") >= 2
        or _CODE_SPELLING.search(word) is not None
        or word.startswith(_CODE_NAMESPACES)
    )


_MAYBE_CODE = lazy(r"\w(?:_\w|\.\w|\()|[a-z][A-Z]|[A-Z][a-z]+[A-Z]|::|->")  # (the \w branches as one: faster)
MAYBE_CODE_KEY = (_MAYBE_CODE.pattern, False)


def _maybe_code(a: Analysis) -> bool:
    """Some word of the story may be a name from code (asked once per story, for every rule).

    A hint only: every name the rule reports is a word that `_MAYBE_CODE` matches, so a story
    it cannot match has none, and a "maybe" only lets the rule look. Where the story's one
    scan answered for the pattern, its "maybe" is taken as it is (as `Check.worth_running`
    takes it): searching the whole story again with `re` cost about 13 us a story that holds
    a name-like word, to confirm what RE2 had just found."""
    if not a.may_match(MAYBE_CODE_KEY):
        return False
    return a.scanned_for(MAYBE_CODE_KEY) or _MAYBE_CODE.search(a.all_text()) is not None


def _plain_word(word: str) -> bool:
    """An ASCII word of letters, all lower case or capitalised ("report", "Report"): no "_",
    ".", "(", "::" or "->", no capital after a letter, no second capital, so `_MAYBE_CODE`
    cannot match it (three string tests instead of a regex search, for most words of prose)."""
    return word.isascii() and word.isalpha() and (word.islower() or word.istitle())


PASCAL3 = lazy(r"^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+){2,}$")
# CamelCase led by an acronym (XLSXResponseWriter, UIExtensionFactory, HTTPClientFactory)
ACRONYM_PASCAL = lazy(r"^[A-Z]{2,}(?:[A-Z][a-z0-9]+)+$")
# An exception's or error's name (NullPointerException, ECONNRESET's KeyError) is what a
# report saw go wrong, a symptom, never a part someone is told to build.
SYMPTOM_SUFFIXES = ("Exception", "Exceptions", "Error", "Errors", "Fault", "Failure", "Warning")


def _outside(a: Analysis, s: SentenceInfo) -> str:
    """The sentence's text with its inline code spans left out."""
    parts, at = [], s.start
    for span in a.spans_in(s):
        parts.append(s.text[at - s.start : max(at, span.start) - s.start])
        at = max(at, span.end)
    parts.append(s.text[at - s.start :])
    return " ".join(parts)


class IdentifierCheck(Check):
    kind = "identifiers"
    holds_in_behaviour = True
    allowed = frozenset(
        {"quick", "quick-ignore-case", "quick-pattern", "except-shapes", "shapes", "where", "code-nouns", "not-identifiers", "context", "skip-sections", "user-clause",
         "confidence", "max-per-story", "requires-any", "unless-any", "code-suffixes", "setting-nouns", "product-nouns",
         "product-code-parts"}
    )  # fmt: skip

    def __init__(self, detect: dict[str, Any], **kw: Any) -> None:
        super().__init__(detect, **kw)
        shapes = str_list(detect, "shapes") or list(SHAPES)
        unknown = [s for s in shapes if s not in SHAPES]
        if unknown:
            raise ValueError(f"unknown shape {unknown[0]!r} (known: {', '.join(SHAPES)})")
        self.shapes = [SHAPES[s] for s in shapes]
        self.text_shapes = [
            _TEXT_DOTTED if s == "dotted" else SNAKE if s == "snake" else TEXT_CAMEL if s == "camel" else SHAPES[s]
            for s in shapes
            if s in _TEXT_SHAPES
        ]
        self.pascal_in_text = "pascal" in shapes
        self.build_files = "path" in shapes  # a build file's fixed name is a path's
        self.scoped_in_text = "dotted" in shapes
        self.where = detect.get("where", "both")
        if self.where not in ("code", "text", "both"):
            raise ValueError("where must be code, text or both")
        self.code_nouns = PhraseIndex(str_list(detect, "code-nouns"))
        self.not_identifiers = frozenset(w.lower() for w in str_list(detect, "not-identifiers"))
        self.requires = PhraseIndex(str_list(detect, "requires-any"))
        self.unless = PhraseIndex(str_list(detect, "unless-any"))
        # shapes another rule owns (e.g. column names belong to DM05, not CS01)
        unknown = [s for s in str_list(detect, "except-shapes") if s not in SHAPES]
        if unknown:
            raise ValueError(f"unknown shape {unknown[0]!r} in except-shapes")
        self.except_shapes = [SHAPES[s] for s in str_list(detect, "except-shapes")]
        self.max_per_story = count(detect, "max-per-story", 3)
        # a CamelCase name ending in one of these humps (OrderController, PriceHelper) is code
        self.code_suffixes = tuple(str_list(detect, "code-suffixes"))
        # "the efSearch parameter", "a parameter called emptyOutDirGlob": a name given to a
        # noun like these is a setting the product's users set, not a part of its code
        # ... and so is the name of what the product offers them, said by the noun it heads ("Add
        # the `BoundingBox` feature", "Add the web_split dataset"), but not a switch in the code
        # ("the `new_checkout` feature flag": a `product-code-parts` word after the noun)
        nouns = "|".join(re.escape(n) for n in sorted(str_list(detect, "setting-nouns"), key=len, reverse=True))
        product = "|".join(re.escape(n) for n in sorted(str_list(detect, "product-nouns"), key=len, reverse=True))
        parts = "|".join(re.escape(n) for n in sorted(str_list(detect, "product-code-parts"), key=len, reverse=True))
        if product and parts:
            product = rf"(?:{product})\b(?![\s\-\u2011]*+(?:{parts})\b)"
        elif product:
            product = rf"(?:{product})\b"
        either = f"{nouns}|{product}" if nouns and product else nouns or product
        # ... a call names an API as well ("Add the `usage()` API"): only a product noun, never a
        # setting's, takes one; and a name shaped as a class only code has ("the SubChunkManager
        # API", "AdminHandler's API") is that class's interface, not what the product offers
        self._product_after = compile_re(rf"[`'\"*_]{{0,2}}\s+(?:{product})", re.IGNORECASE) if product else None
        self._setting_after = compile_re(rf"[`'\"*_]{{0,2}}\s+(?:{nouns})\b", re.IGNORECASE) if nouns else None
        self._setting_before = (
            compile_re(rf"\b(?:{either})\s+(?:called|named)\s+[`'\"*_]{{0,2}}$", re.IGNORECASE) if either else None
        )

    def _pascal_in_text(self, word: str, has_noun: bool) -> bool:
        if not self.pascal_in_text or word.lower() in self.not_identifiers or word.endswith(SYMPTOM_SUFFIXES):
            return False
        if PASCAL3.match(word):
            return True
        if ACRONYM_PASCAL.match(word):
            # a brand may start with an acronym too ("HTMLElement" reads either way): only a
            # last hump that code alone uses (XLSXResponseWriter) makes it code
            return word.endswith(self.code_suffixes)
        if not PASCAL.match(word) or word[-1].isupper():
            return False  # a last hump of capitals ("IntelliJ", "MySQL", "GraphQL") spells a brand
        # "OrderController", not a bare "ViewModel": the suffix must follow a name
        return has_noun or (word.endswith(self.code_suffixes) and word not in self.code_suffixes)

    def _is_identifier(self, word: str, shapes: list[Any]) -> bool:
        w = word.strip("`'\".,;:")
        if len(w) < 3 or len(w) > MAX_IDENTIFIER or w.lower() in self.not_identifiers or w.lower() in {"e.g", "i.e", "etc", "vs"}:
            return False
        if any(shape.match(w) for shape in self.except_shapes) or w.endswith(SYMPTOM_SUFFIXES):
            return False
        return any(shape.match(w) for shape in shapes)

    def scanned(self) -> list[tuple[str, bool]]:
        return [*super().scanned(), MAYBE_CODE_KEY, *([BUILD_FILE_KEY] if self.build_files else [])]

    def quiet(self, a: Analysis) -> bool:
        if self.worth_running(a) and (a.parsed.code_spans or a.shared(id(_MAYBE_CODE), lambda: _maybe_code(a))):
            return False
        # a build file's name is a path no quick literal (an extension) lists: it wakes the rule
        # by itself (most stories: one look-up of the scan's answer)
        return not (self.build_files and self._may_name_build_file(a))

    @staticmethod
    def _may_name_build_file(a: Analysis) -> bool:
        return a.may_match(BUILD_FILE_KEY) and a.shared(id(_BUILD_FILE_IN), lambda: _names_build_file(a))

    def run(self, a: Analysis) -> Iterator[Hit]:
        found = 0
        if self.quiet(a):
            return
        build_files = self.build_files and self._may_name_build_file(a)
        for s in a.sentences:
            if not s.code_like and not a.spans_in(s) and not (build_files and _BUILD_FILE_IN.search(s.text)):
                continue  # nothing that could be a name from code
            if not self.sentence_applies(s) and not (s.field == "body" and not s.asks and a.title_changes_code):
                continue
            if (self.requires and not self.requires.occurs(s)) or (self.unless and self.unless.occurs(s)):
                continue
            hits = self._in_code(a, s) if self.where in ("code", "both") else []
            if self.where in ("text", "both") and build_files and not s.code_like:
                hits += self._build_files_in(s)
            elif self.where in ("text", "both") and s.code_like:
                if not hits:
                    hits = self._in_text(a, s, build_files)
                elif _MAYBE_CODE.search(_outside(a, s)):  # names outside the code spans too
                    spans = [(h[0], h[1]) for h in hits]  # a name in backticks is found once
                    hits += [h for h in self._in_text(a, s, build_files) if not any(lo <= h[0] < hi for lo, hi in spans)]
            hits = [h for h in hits if h[2].lower() not in a.accepted and not self._names_setting(a, s, h)]
            if not hits:
                continue
            hits.sort(key=lambda h: h[0])
            for start, end, word, conf in hits:  # every name of the sentence
                yield Hit(s.field, start, end, min(conf, 1.0), word, s.start, s.end)
            found += 1
            if found >= self.max_per_story:
                return

    def _names_setting(self, a: Analysis, s: SentenceInfo, hit: tuple[int, int, str, float]) -> bool:
        start, end, word = hit[0], hit[1], hit[2]
        text = a.parsed.text(s.field)
        # a window of a few words each side: a wall of names must not cost a scan per name
        after = min(s.end, end + 40)
        if (
            self._product_after is not None
            and self._product_after.match(text, end, after)
            and not word.rstrip("`'\"").endswith(self.code_suffixes)
        ):
            return True
        if word.endswith(")"):
            return False  # a call is never a setting's name
        return bool(
            (self._setting_after is not None and self._setting_after.match(text, end, after))
            or (self._setting_before is not None and self._setting_before.search(text, max(s.start, start - 40), start))
        )

    def _in_code(self, a: Analysis, s: SentenceInfo) -> list[tuple[int, int, str, float]]:
        out: list[tuple[int, int, str, float]] = []
        if not a.parsed.code_spans:
            return out
        text = a.parsed.text(s.field)
        for span in a.spans_in(s):
            content = text[span.start : span.end].strip()
            if " " in content and not CALL.match(content) and not DOTTED.match(content):
                # a phrase in backticks: look at its words
                words = content.split()
                if any(self._is_identifier(w, self.shapes) for w in words[:20]):
                    out.append((span.start, span.end, content[:80], self.confidence))
                continue
            if self._is_identifier(content, self.shapes):
                out.append((span.start, span.end, content, self.confidence + 0.05))
        return out

    def _build_files_in(self, s: SentenceInfo) -> list[tuple[int, int, str, float]]:
        """The build files a sentence with no other code-shaped word names ("Upgrade Salt in
        the Vagrantfile")."""
        out: list[tuple[int, int, str, float]] = []
        for m in _TEXT_WORD.finditer(s.text):
            word = m.group(0).rstrip(".,;:")
            if BUILD_FILE.match(word) and word.lower() not in self.not_identifiers:
                out.append((s.start + m.start(), s.start + m.start() + len(word), word, self.confidence))
        return out

    def _in_text(self, a: Analysis, s: SentenceInfo, build_files: bool = False) -> list[tuple[int, int, str, float]]:
        out: list[tuple[int, int, str, float]] = []
        if not s.code_like:
            return out
        has_noun = bool(self.code_nouns) and self.code_nouns.occurs(s)
        # "Remove the DataQualifier", "Rename OrderHelper to ...": what a title orders changed in
        # the code is a part of it (not a "DurAdmin:" label before the order)
        object_from = s.verb_at if s.orders_code_change else -1
        scoped = self.scoped_in_text and a.vocab.isdisjoint(_LABEL_WORDS)  # GitLab's scoped labels look alike
        text = s.text
        for m in _TEXT_WORD.finditer(text):
            word = m.group(0).rstrip(".,;:")
            if build_files and BUILD_FILE.match(word):
                out.append((s.start + m.start(), s.start + m.start() + len(word), word, self.confidence))
                continue
            if _plain_word(word) or len(word) > MAX_IDENTIFIER or not _MAYBE_CODE.search(word):
                continue  # cheap tests rule out ordinary words
            if m.start() and text[m.start() - 1] in "?&" and text[m.start() + len(word) : m.start() + len(word) + 1] == "=":
                continue  # a page address's query parameter (`?classroom_id=12`), not a column or a variable
            if self._is_identifier(word, self.text_shapes) or (scoped and _scoped_code(word)):
                out.append((s.start + m.start(), s.start + m.start() + len(word), word, self.confidence))
            elif self._pascal_in_text(word, has_noun or 0 <= object_from < s.start + m.start()):
                out.append((s.start + m.start(), s.start + m.start() + len(word), word, self.confidence - 0.05))
        return out

    def names_in(self, a: Analysis, s: SentenceInfo) -> Iterator[str]:
        """Every name from code in a sentence, by the same tests as `run` but in any context
        (what `storylint.domain` records as a project's own vocabulary)."""
        text = a.parsed.text(s.field)
        for span in a.spans_in(s):
            content = text[span.start : span.end].strip()
            if " " not in content or CALL.match(content) or DOTTED.match(content):
                if self._is_identifier(content, self.shapes):
                    yield content  # as `run` reports it
                continue
            for w in content.split()[:20]:
                if self._is_identifier(w, self.shapes):
                    yield w.strip("`'\".,;:")
        if not s.code_like:
            return
        for m in _TEXT_WORD.finditer(s.text):
            word = m.group(0).rstrip(".,;:")
            if len(word) > MAX_IDENTIFIER or not _MAYBE_CODE.search(word):
                continue
            if self._is_identifier(word, self.text_shapes) or self._pascal_in_text(word, False) or _scoped_code(word):
                yield word
