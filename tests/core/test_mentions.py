"""The exemptions for HOW evidence that a story merely mentions (storylint.mentions)."""

from __future__ import annotations

import pytest

from storylint.checks.base import Hit
from storylint.engine import Linter
from storylint.mentions import Mentions, product_name
from storylint.rulepack import Rule

RULES = Linter().pack.rules


def rule(code: str) -> Rule:
    return RULES[code]


def hit(text: str, term: str, field: str = "body") -> Hit:
    start = text.index(term)
    return Hit(field, start, start + len(term), 0.8, term)


@pytest.mark.parametrize(
    ("project", "name"),
    [("jira:kafka", "kafka"), ("gh:pnpm/pnpm", "pnpm"), ("Acme/Dura-Vault", "duravault"), ("gh:acme/ui", ""), (None, "")],
)
def test_the_products_own_name_is_its_trackers_last_part(project: str | None, name: str) -> None:
    assert product_name(project) == name  # two letters ("ui") are no name to match on
    assert Mentions.of(project, "A title", None).own_name == name


def test_the_object_of_support_is_mentioned_but_a_term_before_it_is_chosen() -> None:
    m = Mentions("", 0, None)
    text = "Add support for Kafka in the exporter"
    assert m.merely_mentioned(rule("TC01"), hit(text, "Kafka"), "statement", text)
    text = "Use Kafka to support the exporter"
    assert not m.merely_mentioned(rule("TC01"), hit(text, "Kafka"), "statement", text)


def test_the_support_exemption_is_for_term_and_identifier_rules_only() -> None:
    m = Mentions("", 0, None)
    text = "Add support for largeIcon in the notification API"  # a name of the product's surface
    assert rule("CS01").check.kind == "identifiers"
    assert m.merely_mentioned(rule("CS01"), hit(text, "largeIcon"), "imperative", text)
    text = "Update ThemeController so that it adds support for dark mode"  # the place to change
    assert not m.merely_mentioned(rule("CS01"), hit(text, "ThemeController"), "imperative", text)
    text = "Drop Python 2 support"  # a pattern rule's order is no object of support
    assert rule("TC03").check.kind == "pattern"
    assert not m.merely_mentioned(rule("TC03"), hit(text, "Drop Python 2"), "imperative", text)


def test_a_term_in_the_titles_leading_tags_names_the_area() -> None:
    title = "[Redis] Show the queue length"
    m = Mentions.of(None, title, None)
    assert m.tags_end == len("[Redis] ")
    assert m.merely_mentioned(rule("TC01"), hit(title, "Redis", "title"), "title", title)
    body = "[Redis] cache the queue"  # the same place in the body is no tag
    assert not m.merely_mentioned(rule("TC01"), hit(body, "Redis"), "statement", body)


def test_the_own_name_counts_for_technology_and_names_from_code_only() -> None:
    m = Mentions("redis", 0, None)
    text = "Make Redis keep the queue"
    assert m.merely_mentioned(rule("TC01"), hit(text, "Redis"), "imperative", text)
    assert not Mentions("kafka", 0, None).merely_mentioned(rule("TC01"), hit(text, "Redis"), "imperative", text)
    text = "Add a redis table"
    assert rule("DM01").category == "data_model"
    assert not m.merely_mentioned(rule("DM01"), hit(text, "redis"), "imperative", text)
    text = "Make OrderController keep the queue"  # a name from the code: the product's own classes
    assert rule("CS01").check.kind == "identifiers" and rule("CS01").category != "technology"
    assert Mentions("ordercontroller", 0, None).merely_mentioned(rule("CS01"), hit(text, "OrderController"), "imperative", text)


def test_the_own_name_is_matched_on_its_letters_and_digits() -> None:
    m = Mentions("duravault", 0, None)
    for term in ("Dura-Vault", "dura_vault", "DuraVault"):
        text = f"Make {term} keep the queue"
        assert m.merely_mentioned(rule("TC01"), hit(text, term), "imperative", text)
    text = "Make DuraVaults keep the queue"
    assert not m.merely_mentioned(rule("TC01"), hit(text, "DuraVaults"), "imperative", text)


def test_a_name_under_the_products_own_namespace_is_its_public_api() -> None:
    """"Add Quarry.createRef()" in Quarry's tracker: what its users call, not a part of its code."""
    m = Mentions("quarry", 0, None)
    for term in ("Quarry.createRef()", "quarry.ui.TextArea", "`Quarry.Stream.open`"):
        text = f"Add {term} for the new refs"
        assert m.merely_mentioned(rule("CS01"), hit(text, term), "title-imperative", text), term
    # a C++ namespace names the product's own code; another product's namespace is no exemption
    for name, term in (("quarry", "quarry::Authorizer"), ("quarry", "Lode.createRef()"), ("quarry", "QuarryApp.start()")):
        text = f"Implement {term} in terms of the new interface"
        assert not Mentions(name, 0, None).merely_mentioned(rule("CS01"), hit(text, term), "title-imperative", text), term
    text = "Add Quarry.createRef() for the new refs"  # a pattern rule's find is no name from code
    assert not m.merely_mentioned(rule("TC05"), hit(text, "Quarry.createRef()"), "title-imperative", text)


def test_a_private_name_under_the_products_namespace_is_its_code_not_its_api() -> None:
    """"Call `quarry.rows._flush_batch()`" in Quarry's tracker: a name kept out of the API by its own
    spelling (a leading underscore, an `internal` or `impl` package) is the product's code."""
    m = Mentions("quarry", 0, None)
    for term in ("`quarry.rows._flush_batch()`", "Quarry._cache", "quarry.internal.Scheduler", "`quarry.impl.RowCache`"):
        text = f"Call {term} after each write"
        assert not m.merely_mentioned(rule("CS01"), hit(text, term), "title-imperative", text), term
    for term in ("`quarry.__version__`", "Quarry.Stream.open()"):  # a dunder is no private name
        text = f"Call {term} after each write"
        assert m.merely_mentioned(rule("CS01"), hit(text, term), "title-imperative", text), term


def test_a_learned_term_is_mentioned_where_the_sentence_states_it_not_where_it_chooses_it() -> None:
    m = Mentions("", 0, frozenset({"wsdl"}))
    text = "The WSDL must be re-read on every start"
    assert m.merely_mentioned(rule("TC01"), hit(text, "WSDL"), "modal", text)
    assert not m.merely_mentioned(rule("TC01"), hit(text, "WSDL"), "imperative", text)  # not weak evidence
    text = "We need to use WSDL for the import"
    assert not m.merely_mentioned(rule("TC01"), hit(text, "WSDL"), "modal", text)  # chosen
    assert not Mentions("", 0, None).merely_mentioned(rule("TC01"), hit("The WSDL must be re-read", "WSDL"), "modal", "The WSDL must be re-read")


def test_a_titles_one_word_label_names_the_area_unless_it_is_the_work() -> None:
    title = "cSetHeader: Add a table for several entries"
    m = Mentions.of(None, title, None)
    assert m.tags_end == len("cSetHeader: ")
    assert m.merely_mentioned(rule("CS01"), hit(title, "cSetHeader", "title"), "title-imperative", title)
    assert Mentions.of(None, "Refactor: OrderService and PriceHelper", None).tags_end == 0  # the work, no area
    assert Mentions.of(None, "Move OrderService: it belongs to billing", None).tags_end == 0  # two words: a sentence


@pytest.mark.parametrize(
    ("title", "label"),
    [
        ("rpc/wallet: add a simulate command", "rpc/wallet: "),  # an area path
        ("CI, tracing: run the probe tests", "CI, tracing: "),  # two areas
        ("feat(lsp): expose the supported methods", "feat(lsp): "),  # a scope in parentheses
        ("ui/gui/wallet/coins: show the change", "ui/gui/wallet/coins: "),  # four segments: the most
    ],
)
def test_a_titles_area_path_or_scope_is_a_label_too(title: str, label: str) -> None:
    m = Mentions.of(None, title, None)
    assert m.tags_end == len(label)
    area = label.split("/")[0].split(",")[0].split("(")[0]
    assert m.merely_mentioned(rule("CS01"), hit(title, area, "title"), "title-imperative", title)


@pytest.mark.parametrize(
    "title",
    [
        "Refactor(core): split the OrderService",  # the work with a scope: no area
        "a/b/c/d/e: five segments",  # longer than a label's path
        "Use Redis, not files: the cache must survive restarts",  # a sentence before the colon
        "refactor/cleanup: move PriceHelper",  # the work, spelt as a path
    ],
)
def test_what_is_not_an_area_label(title: str) -> None:
    assert Mentions.of(None, title, None).tags_end == 0


@pytest.mark.parametrize(
    ("text", "term", "code"),
    [
        ("Add a help system to the viewer, like we have in GWT.", "GWT", "TC01"),  # where it exists
        ("Add the compass arrows like the GWT viewer has.", "GWT", "TC01"),  # the verb after it
        ("Draw the ticks evenly, like how you would see 1px lines in print.", "1px", "UI01"),  # a pattern rule's find
    ],
)
def test_what_the_wanted_thing_is_likened_to_is_a_reference(text: str, term: str, code: str) -> None:
    assert Mentions("", 0, None).merely_mentioned(rule(code), hit(text, term), "imperative", text)


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Store the sessions like we do in Redis.", "Redis"),  # doing it as in Redis may be Redis again
        ("Use Redis like we should have from the start.", "Redis"),  # the term before the likeness
        ("Cache the pages like the Redis cluster has a TTL for them.", "Redis"),  # a statement of what it has
        ("Model the cache similar to Redis.", "Redis"),  # a design modelled on it
    ],
)
def test_a_term_chosen_beside_a_likeness_still_counts(text: str, term: str) -> None:
    assert not Mentions("", 0, None).merely_mentioned(rule("TC01"), hit(text, term), "imperative", text)


@pytest.mark.parametrize(
    ("text", "term", "code"),
    [
        ("Put the generated sources under src/main/scala/gen and run the build again.", "scala", "TC01"),  # a top directory
        ("Move /var/lib/docker to its own filesystem.", "docker", "TC01"),  # from the root
        ("Keep the data in ./zookeeper/data between runs.", "zookeeper", "TC01"),
        ("Copy it to ~/kafka/conf first.", "kafka", "TC01"),
        ("The installer writes C:\\tools\\python\\cache on every start.", "python", "TC01"),  # a drive
        ('Load resource="classpath:META-INF/cxf/cxf.xml" at start.', "cxf", "TC01"),  # after a scheme's name
        ("Fix the links in docs/guides/redis/setup.", "redis", "TC01"),  # four segments
        ("Read the file config/redis/defaults.yml.", "redis", "TC01"),  # to a file named otherwise
        ("Clean target/classes before packaging.", "classes", "CS02"),  # any term rule
    ],
)
def test_a_term_inside_a_file_path_is_a_place_not_a_choice(text: str, term: str, code: str) -> None:
    assert Mentions("", 0, None).merely_mentioned(rule(code), hit(text, term), "imperative", text)


@pytest.mark.parametrize(
    ("text", "term", "code"),
    [
        ("Change the classes/tests/results frame to tabs.", "classes", "CS02"),  # alternatives, each meant
        ("Rewrite the frontend in React/Redux.", "React", "TC01"),
        ("Move the checks into the PHP/DB/Moodle layer.", "PHP", "TC01"),
        ("Port the scripts to ACS/Node.js.", "Node.js", "TC01"),  # the term is the last name, no file
        ("Build it with React/node.js.", "React", "TC01"),  # a product's dotted name is no file
        ("We should add {{\\-Wno\\-unused\\-local\\-typedefs}} to our gcc flags.", "typedefs", "CS02"),  # wiki escapes
        ("Use Kafka for the events.", "Kafka", "TC01"),
    ],
)
def test_words_between_slashes_without_a_paths_mark_still_count(text: str, term: str, code: str) -> None:
    assert not Mentions("", 0, None).merely_mentioned(rule(code), hit(text, term), "imperative", text)


def _how_rules(title: str, body: str = "") -> set[str]:
    from storylint.model import HOW_CATEGORIES, Story

    result = _LINTER.lint(Story(id="1", title=title, body=body))
    return {f.rule for f in result.findings if f.category in HOW_CATEGORIES}


_LINTER = Linter()


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("Investigate SSO login through GitHub OAuth for the Jenkins server", ""),
        ("Benchmark the Swift command line client for uploads above 5GB", ""),
        ("Reporting", "Investigate Azure Blob Storage as a fallback for the archive during outages."),
        ("Investigating Elasticsearch timestamp handling for audit events", ""),
    ],
)
def test_what_a_study_is_to_find_out_about_is_no_choice(title: str, body: str) -> None:
    # a study names its subject; it orders nothing built (the team may find it wanting)
    assert not _how_rules(title, body)


@pytest.mark.parametrize(
    ("title", "body"),
    [
        # an order joined after the study still orders
        ("Investigate the Boost compiler warnings and upgrade Boost to 1.60", ""),
        ("Investigate / deploy the eBPF exporter on Kubernetes", ""),
        # a study that weighs a means proposes it
        ("Investigate moving the session cache to Redis", ""),
        ("Investigate replacing the job runner with Airflow", ""),
        ("Reporting", "Investigate if `ReportQueue.drain()` can be used or modified for this purpose."),
        # not a study: an order, and a noun where a study verb might stand
        ("Move the session cache to Redis", ""),
    ],
)
def test_a_study_that_orders_or_weighs_a_means_still_counts(title: str, body: str) -> None:
    assert _how_rules(title, body)


def test_a_sentence_that_asks_for_the_surface_is_read_once_for_all_its_names(monkeypatch: pytest.MonkeyPatch) -> None:
    # one sentence of 700 technology names after "a new allowed value for ...": the exemption
    # was asked again for each name, and each time scanned the whole sentence for a means
    # (4,000 scans of 38,000 characters: 12 s of one story)
    from storylint import surface

    scans: list[int] = []
    means = surface._CONSTRUCTION_RE

    class Counted:
        def search(self, text: str) -> object:
            scans.append(len(text))
            return means.search(text)

    monkeypatch.setattr(surface, "_CONSTRUCTION_RE", Counted())
    names = "Redis, Kafka, PostgreSQL, MongoDB, GraphQL, React, Kubernetes, " * 100
    body = f"Add one more allowed value for the storage option in {names}and the rest."
    assert not _how_rules("Allowed values of the retry setting", body)
    assert len(scans) <= 2  # the title and the sentence, once each
