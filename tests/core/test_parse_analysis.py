"""Parser and sentence analysis: the context that turns a mention into a prescription."""

from __future__ import annotations

from typing import Any

import pytest

from storylint.analysis import analyse
from storylint.config import Config
from storylint.engine import Linter
from storylint.model import HOW_CATEGORIES, BodyFormat, Story
from storylint.parse import (
    CODE,
    HEADING,
    LIST_ITEM,
    PARAGRAPH,
    QUOTE,
    SEC_AC,
    SEC_OTHER,
    SEC_PROPOSAL,
    SEC_REPRO,
    TABLE,
    ParsedStory,
    parse,
)
from tests.core.spies import count_calls


def sentences(body: str, title: str = "t") -> list:
    return analyse(parse(Story(id="1", title=title, body=body))).sentences


def body_blocks(p: ParsedStory, width: int | None = None) -> list[tuple[str, str]]:
    """(kind, text) of each block of the body, in order, the text cut to `width`: what most
    tests of the parser's blocks compare."""
    return [(b.kind, p.body[b.start : b.end][:width]) for b in p.blocks if b.field == "body"]


def body_kinds(p: ParsedStory) -> list[str]:
    """The kind of each block of the body, in order."""
    return [b.kind for b in p.blocks if b.field == "body"]


def _no_plan(*texts: str) -> None:
    """Each text's last sentence neither plans nor orders by a modal."""
    for text in texts:
        s = sentences(text)[-1]
        assert not s.plan and not s.modal, text


def _plans(*texts: str) -> None:
    """Each text's last sentence is a plan."""
    for text in texts:
        assert sentences(text)[-1].plan, text


def test_label_prefix_before_verb_in_any_sentence() -> None:
    s = sentences("intro line.\n\n- Inway: send the flag when calling RegisterInway")[-1]
    assert s.imperative and s.verb == "send"


def test_a_bold_label_before_the_verb_is_a_label_too() -> None:
    """"**Description:** Set up X", "**Task**: add Y": Markdown bolds the label, colon inside or out."""
    for body in ("**Description:** Set up a REST API with TypeScript.", "**Task**: add a settings page",
                 "__Summary:__ Create the import job"):  # fmt: skip
        s = sentences(body)[-1]
        assert s.imperative, body
    assert not sentences("**Note:** the import job already runs nightly.")[-1].imperative


def test_an_order_after_a_leading_clause_is_an_order() -> None:
    """"When X, save Y": the order stands after the clause its opener starts and its comma ends."""
    from storylint.analysis import CLAUSE_MAX_WORDS

    s = sentences("When the user clicks Approve, save the acceptance to Redis.")[-1]
    assert s.imperative and s.verb == "save"
    s = sentences("If needed, then add an index on the column.")[-1]
    assert s.imperative and s.verb == "add"  # fillers after the comma are skipped as at the start
    # behaviour after the clause stays behaviour; a statement stays a statement
    s = sentences("When the user clicks Approve, show a confirmation.")[-1]
    assert s.behaviour and not s.imperative
    assert not sentences("When the job ends, the counts are saved.")[-1].imperative
    # the comma of a parenthesis closes no clause; a quoted word after it names, not orders
    assert not sentences("When I updated to build 3.2 (Studio, build: 3.2.0), the toolbar was empty.")[-1].imperative
    assert not sentences('When a framework reserves resources, "reserve" ACLs are checked.')[-1].imperative
    # a purpose or a manner put first; a filler's own comma before the opener closes nothing
    for body in ("To make this work, store the sessions in Redis.", "As a first step, store the sessions in Redis."):
        s = sentences(body)[-1]
        assert s.imperative and s.verb == "store", body
    assert not sentences("As a user, I want my sessions to survive a restart.")[-1].imperative
    assert not sentences("Instead, to expose a file, a new method would be provided.")[-1].imperative
    # the clause's length: CLAUSE_MAX_WORDS words before the comma, not one more
    words = " ".join(["word"] * (CLAUSE_MAX_WORDS - 1))
    assert sentences(f"When {words}, save the acceptance to Redis.")[-1].imperative
    assert not sentences(f"When {words} word, save the acceptance to Redis.")[-1].imperative


def test_an_adverb_of_frequency_or_manner_before_the_verb_keeps_the_order() -> None:
    """"Always return X", "Lazily load X", "Initially, add X" order as "Return X" does (the
    filler list); a time word that reports a state ("Still build fails") or an adverb that makes
    the system the doer ("Automatically create the database") is no order."""
    for body, verb in (("Always return the abandoned field in the wallet RPC.", "return"),
                       ("Lazily load the thumbnails of the gallery.", "load"),
                       ("Temporarily add a log line to the mailer.", "add"),
                       ("Initially, add this to the mount table.", "add")):
        s = sentences(body)[-1]
        assert s.imperative and s.verb == verb, body
    for title in ("Always return the abandoned field", "Properly deprecate unzip_file"):
        assert sentences("", title=title)[0].imperative, title
    for body in ("Still build fails on Windows.", "Now build fails on Windows.", "Currently return codes are lost.",
                 "Automatically create the database from the installer."):
        assert not sentences(body)[-1].imperative, body


def test_a_part_of_the_system_that_will_build_is_a_plan() -> None:
    """"The backend will add X": the team's plan, as "we will add X" is; what the product will
    show, or a symptom told of "it", is no plan."""
    for body in ("The backend will add a status column.", "Each worker shall write its totals to the table.",
                 "Backend will store the sessions."):  # fmt: skip
        assert sentences(body)[-1].plan, body
    for body in ("The app will show the totals.", "It will create duplicate rows.", "The backend will be slow.",
                 "The users will add a comment."):  # fmt: skip
        assert not sentences(body)[-1].plan, body


def test_component_to_verb_is_a_task() -> None:
    s = sentences("- Backend to emit metric updates")[-1]
    assert s.imperative


def test_a_todo_item_without_a_subject_orders_its_verb() -> None:
    for body in ("Need to use CXF for the client.", "Needs to also add a retry.", "Must add a flag.",
                 "Should convert the parser over to the new API.", "- need to migrate the cache"):  # fmt: skip
        s = sentences(body)[-1]
        assert s.imperative and s.verb in {"use", "add", "convert", "migrate"}, body
    s = sentences("Should show the total under the list.")[-1]
    assert s.behaviour and not s.imperative
    for body in ("Needs to be faster on big files.", "Must not lose the draft.", "Need to make sure the draft is kept.",
                 "Need more space for the labels.", "Should the export include hidden rows?"):  # fmt: skip
        assert not sentences(body)[-1].imperative, body
    assert not sentences("We need to use CXF.")[-1].imperative  # a subject: the team's plan
    assert sentences("We need to use CXF.")[-1].plan


def test_fix_symptom_is_a_bug_title_not_a_directive() -> None:
    assert not sentences("", title="Fix crash when map has two layers")[0].imperative
    assert sentences("", title="Fix rounding in the invoice totals")[0].imperative


def test_a_verb_hyphenated_to_a_name_is_no_order() -> None:
    """"Parse-tika uses X" names a component; "Clean-up X" is still an order."""
    assert not sentences("", title="Parse-tika uses minorCodes instead of majorCodes")[0].imperative
    assert not sentences("Import-Package headers are ignored.")[-1].imperative
    assert sentences("", title="Clean-up the OrderService class")[0].imperative
    assert sentences("", title="Parse the tika output once")[0].imperative


def test_a_titles_order_after_please_is_an_order() -> None:
    """"Please port X", "Also add Y": the words a body's order may open with open a title's too."""
    for title in ("Please port the importer to Kotlin", "please add a retry queue to the worker",
                  "Also move `parse_args` into utils.py", "Just use one thread pool per worker"):  # fmt: skip
        s = sentences("", title=title)[0]
        assert s.imperative, title
    assert sentences("", title="Please split the session store")[0].verb == "split"
    # a lower-case verb after a title's leading clause is still no order
    assert not sentences("", title="When saving drafts, store them twice")[0].imperative
    assert not sentences("", title="Dashboard update fails for admins")[0].imperative
    # an ordinal before a title's noun is no step: "First build ...", "Second run ..."
    for title in ("First build after the Gradle upgrade takes ten minutes", "Second run of the consumer duplicates messages",
                  "Next release notes miss the fixes", "Then update center shows nothing"):  # fmt: skip
        assert not sentences("", title=title)[0].imperative, title


def test_work_named_in_its_ing_form_orders_it() -> None:
    title = sentences("", title="Upgrading the build to Gradle 8")[0]
    assert title.imperative and title.verb == "upgrade"
    assert sentences("", title="Migrating sessions to the new store")[0].verb == "migrate"
    consider = sentences("Consider switching the cache to Memcached.")[-1]
    assert consider.imperative and consider.verb == "switch"
    # what a user did, not work: "Using X crashes"; in a body an -ing start is no order
    assert not sentences("", title="Using the importer crashes on big files")[0].imperative
    assert not sentences("Upgrading the app lost my settings.")[-1].imperative
    assert not sentences("", title="Showing totals per month")[0].imperative  # behaviour
    # the subject of a report: a finite verb follows
    assert not sentences("", title="Deploying with Docker takes ten minutes")[0].imperative
    assert not sentences("", title="Caching in Redis loses entries after a restart")[0].imperative
    assert not sentences("", title="Building on Windows isn't possible")[0].imperative
    # after "consider", "running" is work too
    assert sentences("Consider running the workers on Kubernetes.")[-1].verb == "run"
    # a task list's item names its work as a title does ("- Adding X", "- Updating Y to 2.7")
    item = sentences("Tasks:\n\n- Adding a status column to the users table\n- Updating Hadoop to 2.7.1")
    assert [s.verb for s in item[-2:]] == ["add", "update"] and all(s.imperative for s in item[-2:])
    for body in ("- Deploying with Docker takes ten minutes", "- Using the importer on big files",
                 "- Showing totals per month"):  # fmt: skip
        assert not sentences(body)[-1].imperative, body


def test_a_noun_before_a_finite_verb_is_a_reports_subject_not_an_order() -> None:
    """"Build fails on Windows": a word that is a verb and a noun, followed by a finite verb
    (or by a short noun phrase and one), is the subject of a report; no order is followed so."""
    for text in ("Build fails on Windows", "Install crashes on macOS", "Export is slow", "Update doesn't apply",
                 "Cache should expire after an hour", "Sync still hangs", "Build output is wrong",
                 "Run configurations are greyed out", "Fix is to check the flag first"):  # fmt: skip
        title, body = sentences("", title=text)[0], sentences(text + ".")[-1]
        assert not title.imperative and not body.imperative and not title.verb, text
    # an order stays one: an object, a plural object, an adjective, punctuation, a clause
    for text, verb in (("Build the app on Windows", "build"), ("Cache results in Redis", "cache"),
                       ("Add triggers to the orders table", "add"), ("Investigate crashes on startup", "investigate"),
                       ("Log hangs of the worker to Sentry", "log"), ("Use Redis would be faster", "use"),
                       ("Upload the files, it fails", "upload"), ("Add tests; coverage is low", "add"),
                       ("Set studio language is French", "set")):  # fmt: skip
        s = sentences("", title=text)[0]
        assert s.imperative and s.verb == verb, text
    assert sentences("Ensure the flag is set.")[-1].behaviour  # a clause is what "ensure" takes


def test_a_controls_longer_name_before_a_finite_verb_is_a_reports_subject() -> None:
    """"Change font size button is missing": a control's name of three or four words, opened by
    a word that is a verb and a noun, is the subject of a report as a two-word one is ("Build
    output is wrong"); no order is followed so. A determiner or a comma still ends the noun."""
    for text in ("Change font size button is missing on the toolbar", "Add dark mode toggle button is missing",
                 "Open recent files menu does nothing"):  # fmt: skip
        title, body = sentences("", title=text)[0], sentences(text + ".")[-1]
        assert not title.imperative and not body.imperative and not title.verb, text
    # a degree verb's: "Increase font size button" names the control, so no degree order either
    for text in ("Increase font size button is missing", "Reduce line spacing option does nothing"):
        assert sentences("", title=text)[0].flags.degree_at < 0, text
    assert sentences("", title="Increase the font size of the labels")[0].flags.degree_at == 0
    for text, verb in (("Change the font size is what users asked for", "change"),
                       ("Add a dark mode toggle button, the old one is missing", "add"),
                       ("Add export button to the toolbar and the menu is fine", "add")):  # fmt: skip
        s = sentences("", title=text)[0]
        assert s.imperative and s.verb == verb, text


def test_user_want_is_not_a_plan() -> None:
    s = sentences("", title="As a shopper I want to export orders so that I can open them in Excel")[0]
    assert s.user_clause and not s.plan and not s.directive


def test_developer_want_with_build_verb_is_directive() -> None:
    s = sentences("**As a** developer\n<br>**I want to** use `testify` for assertions\n<br>**so that** tests agree")[-1]
    assert s.user_clause and s.technical_role and s.directive


def test_other_languages_order_plan_and_want() -> None:
    """rules/languages.toml: the same cues in Spanish, Portuguese, French, German and Italian."""
    title = sentences("", title="Implementar el inicio de sesión con Firebase")[0]
    assert title.imperative and title.verb == "implementar"
    assert not sentences("", title="Mostrar el total del pedido")[0].imperative  # what the user sees
    assert sentences("O backend deve publicar os eventos.")[-1].modal
    assert sentences("Il faut stocker les sessions ailleurs.")[-1].modal
    assert sentences("Wir sollten die Suche neu bauen.")[-1].plan
    assert sentences("Dobbiamo salvare i dati altrove.")[-1].plan
    # a negated modal forbids; it orders nothing
    assert not sentences("El backend no debe guardar contraseñas.")[-1].modal
    assert not sentences("Le client ne doit pas voir les autres comptes.")[-1].modal
    assert not sentences("Das Backend soll nicht neu starten.")[-1].modal
    want = sentences("Como cliente, quiero ver mis pedidos para saber cuándo llegan.")[-1]
    assert want.user_clause and not want.technical_role and not want.modal and not want.plan
    assert sentences("En tant que développeur, je veux un cache partagé.")[-1].technical_role
    # a developer's want whose verb builds: an order, as "As a developer I want to use X" is
    assert sentences("Como desarrollador, quiero implementar la caché con Redis.")[-1].directive
    assert not sentences("Como desarrollador, quiero ver los registros del servidor.")[-1].directive
    assert sentences("Als Kundin möchte ich Rechnungen exportieren.")[-1].user_clause
    # English reads as before: "come" and "a" are no Italian or Portuguese cue there
    assert not sentences("Come back later, a new build will be ready.")[-1].user_clause


def test_other_languages_sections() -> None:
    """The criteria, proposal and reproduction headings and labels of rules/languages.toml's languages."""

    def sections(body: str, fmt: BodyFormat = BodyFormat.MARKDOWN) -> list[str]:
        p = parse(Story(id="1", title="t", body=body, body_format=fmt))
        return [b.section for b in p.blocks if b.kind != HEADING and b.field == "body"]

    assert sections("## Criterios de aceptación\n\n- Puedo descargar el PDF") == [SEC_AC]
    assert sections("Critérios de aceitação:\n- O PDF contém as faturas") == [SEC_AC]
    assert sections("## Akzeptanzkriterien\n\n- Ich kann das PDF laden") == [SEC_AC]
    assert sections("h3. O que deve ser feito\n\nAtualizar o SDK", BodyFormat.JIRA_WIKI) == [SEC_PROPOSAL]
    assert sections("## Solución propuesta\n\nUsar una cola") == [SEC_PROPOSAL]
    assert sections("## Pasos para reproducir\n\n1. Abrir el formulario") == [SEC_REPRO]
    assert sections("## Comportement attendu\n\nLe PDF s'ouvre") == [SEC_REPRO]


def test_prohibition_is_not_a_directive() -> None:
    assert not sentences("Restarts should not cause old lines to be sent again.")[-1].modal


def test_the_burden_today_is_no_plan() -> None:
    """What the reporter has to do today orders nobody; a plan in the same sentence still does."""
    _no_plan("Currently, we have to use a workaround in every pipeline.", "Right now, to do this I have to SSH to the box.",
             "At the moment I need to export it by hand.")  # fmt: skip
    both = sentences("Currently we have to restart the agent, so we should add a reload command.")[-1]
    assert both.plan
    assert sentences("We have to use a workaround for now.")[-1].plan  # no "currently" before it: a plan
    # a plan or an order that only starts with the time it is given
    _plans("At the moment we will have to migrate the database to Postgres.", "Today we must move the queue to Kafka.",
           "For now we need to pin the client to Redis 6.")  # fmt: skip
    assert sentences("Right now, to export the data the UI must reload the page.")[-1].modal  # "UI", not "I"


def test_what_it_would_take_the_user_is_no_order() -> None:
    """"To call it, you'd have to go through `event.nativeEvent`": the user's burden, as "you have to" is."""
    for text in ("To call this method, you'd have to access it via `event.nativeEvent.stop()`.",
                 "Without it you would have to write a `withStore` wrapper for every page.",
                 "A user would need to set the `fontWeight` by hand.", "Users will have to wait while the cache loads.",
                 "You'll need to restart the agent after each change."):  # fmt: skip
        assert not sentences(text)[-1].modal, text
    # said of the parts to build, or with the team's own plan beside it, it still orders
    assert sentences("Whatever the new classes use, they will need to be persistable.")[-1].modal
    assert sentences("You'd have to restart it, so we should add a reload command.")[-1].plan


def test_an_ability_denied_is_no_plan() -> None:
    """"We can no longer access X", "we can't select them": the state of things, not a plan."""
    for text in ("After saving, we can no longer access the `filter_id` field.", "The jobs are greyed out and we can't select them.",
                 "We could not load the `user_prefs` table.", "We can’t sign in after the upgrade."):  # fmt: skip
        assert not sentences(text)[-1].plan, text
    # a plan in the same sentence, or an ability offered, still is one
    _plans("We can't use pipx, so the clean way to solve this is to create a virtual environment.",
           "We can cache the `export_rows` result between runs.", "We could store the drafts in Redis.")  # fmt: skip


def test_the_writers_view_of_the_fix_states_it() -> None:
    """"I think X should be wrapped in Y": the fix, put forward as the writer's view."""
    for text in ("It seems that the following 4 lines should be wrapped in an `#ifdef USE_FOO`.",
                 "It appears to me that ADMIN_ROLE in `authContext` should be granted to restricted administrators.",
                 "I think the `load_rows` call should be moved into the worker.",
                 "Having looked at the code, I think that it would be nice to avoid `Browser#preload` for remote browsers.",
                 "I believe a similar change to the one below is needed for `rename_table`."):  # fmt: skip
        s = sentences(text)[-1]
        assert s.states_fix and s.puts_fix_forward, text
    # what the writer expects to observe, what they want done about it, or the team's own plan
    for text in ("I think `load_rows` should work on empty files too.", "I believe `parse_header` should return an empty list.",
                 "I think this should be fixed soon.", "I think it would be nice to see the row count in the error.",
                 "It seems the import should be documented.", "I think we should use Redis for the cache."):  # fmt: skip
        assert not sentences(text)[-1].states_fix, text
    assert sentences("I think we should use Redis for the cache.")[-1].plan  # a plan, as it was


def test_the_writers_own_need_is_no_plan() -> None:
    """"I have to pass a pointer around": what the writer must do, not what the team is to build."""
    _no_plan("Since the nonce cannot be copied, I have to pass around a pointer to it in `sign_all`.",
             "To do it, I need to run cmake on the project first.", "I must use 2 columns to build the reflection.",
             "I still have to type out every CSS property.")  # fmt: skip
    # the writer's plan, the team's, or a need beside a plan
    _plans("I will have to add a `retry_count` column.", "I'll need to move the queue to Kafka.",
           "I have to run it by hand, so we should add a `run_all` task.")  # fmt: skip


def test_what_follows_from_the_writers_own_need_is_no_plan() -> None:
    """"I have to pass a pointer, so many headers need to include config.h": the "so" clause
    is the writer's burden going on, not an order; a plan or an order put there still is one."""
    _no_plan("Since the struct cannot be copied, I have to pass a pointer, so many headers need to include config.h.",
             "I need to keep a copy of the token, so every call has to take the session object.")  # fmt: skip
    _plans("I have to pass a pointer, so we should change the API to take a reference.",
           "I have to run it by hand, so let's add a `run_all` task.")  # fmt: skip
    for text in ("I have to pass a pointer, so the loader must be rewritten to use a handle.",
                 "I have to pass a pointer. The API should take a reference."):  # fmt: skip
        assert sentences(text)[-1].modal, text


def test_a_plan_put_in_the_so_clause_after_the_writers_own_need_is_a_plan() -> None:
    """The "so" clause shares the writer's burden, not the plan put there: "so I'll add a task"
    was a plan before the clause was exempted and is one still, however its subject or its plan
    is worded ("I will", "I'd propose", "it would be better to", "the fix is to")."""
    _plans("I have to run it by hand, so I'll add a `run_all` task.",
           "I have to run it by hand, so I will add a `run_all` task.",
           "I have to run it by hand, so I'd propose a `run_all` task.",
           "I have to run it by hand, so it would be better to add a `run_all` task.",
           "I have to run it by hand, so the fix is to add a `run_all` task.")  # fmt: skip
    _no_plan("I have to run it by hand, so every release needs to wait for me.")


def test_a_plan_for_a_capability_is_no_plan() -> None:
    """"We should make it simple for X to enable TLS": what someone can then do is wanted, as
    the imperative "Add the ability to ..." reads; a sentence that gives the means too plans."""
    _no_plan("We should make it simple for the other gateways to enable TLS in Nginx.",
             "We would like to enable the ability of querying ZooKeeper for the leader.",
             "We need to provide a way to wipe an app's data from Cassandra.",
             "We should give operators the option to turn off the Elasticsearch index.")  # fmt: skip
    _plans("We should make it easier to scale by moving the queue to Kafka.",
           "If we move the queue to Kafka, we should make it easier to scale.",
           "We should move the queue to Kafka to make it easier to scale.",
           "We should make the queue a Kafka topic.")  # fmt: skip


def test_a_capability_given_its_means_is_a_plan() -> None:
    """"We should make it easier to scale X using Kafka": the capability's own verb is given
    the means, an order to build that way; a participle on the people who exercise it ("for
    teams using Helm to deploy") or where they do it ("for the gateways to enable TLS in
    Nginx") is theirs, and stays what someone can then do."""
    _plans("We should make it easier to scale the workers using Kafka and Redis.",
           "We should make it easier to scale the workers with Kafka and Redis.",
           "We need to provide a way to store the sessions in Redis.",
           "We should make it possible to cache the sessions in Redis.",
           "We should make it easier for teams to deploy the chart via Helm.")  # fmt: skip
    _no_plan("We should make it easier for teams using Helm to deploy the chart.",
             "We should make it easier for users with large repos to search the code.",
             "We should make it simple for the other gateways to enable TLS in Nginx.",
             "We should give operators the option to keep the logs in Elasticsearch.")  # fmt: skip


def test_the_writers_own_situation_is_no_plan() -> None:
    """"When I want to X, I have to Y": what the writer must do today, not what to build."""
    _no_plan("When I want to build with Maven 3 I have to choose the Maven 2 builder.",
             "Every time I open the theme menu, I need to pick my keyboard again.",
             "If I want to keep the metadata, I must fork the stream by hand.")  # fmt: skip
    # the team's plan under a condition, and the writer's own plan, still are
    _plans("If we want to support this, we need to use Redis.", "When we release, we must move the queue to Kafka.",
           "When I want to build with Maven 3 I have to choose Maven 2, so we should add a Maven 3 builder.")  # fmt: skip


def test_the_writers_own_situation_hides_no_plan_between_its_clauses() -> None:
    """"If I ..., I need to ..." spans the words between: a team's plan there still counts."""
    _plans("If I understand it, we should use Redis for the cache, and I need to update the docs.",
           "When I deploy we should move the queue to Kafka and I need to restart it.",
           "If I may, I suggest Redis for the cache and I must say it is overdue.")  # fmt: skip
    assert not sentences("When I deploy the app to staging I need to restart the queue by hand.")[-1].plan


def test_a_wish_for_what_the_reporter_could_do_is_no_plan() -> None:
    _no_plan("It would really help if we could specify network aliases for each service.",
             "It would be great if we can have a link to edit the file.",
             "It would be useful if we could export the report as CSV.")  # fmt: skip
    assert sentences("Redis would help if we can afford the memory.")[-1].plan  # no wish: the team weighs a choice
    assert sentences("We could specify network aliases for each service.")[-1].plan
    assert sentences("It would be better if we could move the cache to Redis.")[-1].plan  # the team's own view


def test_code_span_first_word_is_not_a_verb() -> None:
    assert not sentences("- `build` (React)")[-1].imperative


def test_a_quoted_name_that_opens_a_sentence_is_not_a_verb() -> None:
    """A button's, command's or issue's name in quotes is the sentence's subject, not an order."""
    for text in ('"import numpy" fails with: ImportError', '"Enable Cloud Services" button stays enabled offline.',
                 "\u201cAdd to cart\u201d does nothing on Safari."):  # fmt: skip
        s = sentences(text)[-1]
        assert not s.imperative and not s.verb, text
    # an order whose object is quoted, and a sentence quoted whole, still order
    for text in ('Add "caching" to the API layer.', '"Add a Redis cache for the sessions."',
                 '"Add a Redis cache for the sessions", please.', '"Add a Redis cache" (from the review).',
                 "\u201cAdd a Redis cache\u201d, as the lead asked.", '"Add a Redis cache." he wrote.'):  # fmt: skip
        assert sentences(text)[-1].imperative, text


def test_quoted_names_in_a_list_an_aside_or_with_an_ellipsis_are_names() -> None:
    """A list of quoted names, a name with a bracketed aside, a menu item's ellipsis: the
    sentence goes on after the names, so the quoted verb orders nothing; a quoted order with an
    aside and nothing after it still orders."""
    for text in ('"Add", "Edit" and "Delete" buttons do nothing.', '"Import" (the menu item) is greyed out.',
                 '"Save As..." does nothing on Windows.', "\u201cAdd new\u2026\u201d button is missing."):  # fmt: skip
        assert not sentences(text)[-1].imperative, text
    for text in ('"Add a Redis cache" (from the review).', '"Add a Redis cache", "use it for the sessions".'):
        assert sentences(text)[-1].imperative, text


def test_a_question_with_the_full_width_mark_asks() -> None:
    """CJK keyboards type "？" (U+FF1F): the question asks the team nothing, as with "?"."""
    s = sentences("Is there a way to cache the model when using tflite in python\uff1f")[-1]
    assert s.asks and not s.modal and not s.imperative
    assert not sentences("Use tflite to cache the model in python.")[-1].asks


def test_url_does_not_swallow_the_full_stop() -> None:
    texts = [s.text.strip() for s in sentences("See https://example.com/a/b.json. Make them snake_case")]
    assert texts[-1] == "Make them snake_case"


def test_sections_and_blocks() -> None:
    body = (
        "## Steps to reproduce\n1. open it\n\n### Proposal\n- Add a column\n\n**Acceptance criteria**\n- Users can pay\n\n"
        "```sql\nSELECT 1 FROM t\n```\n> quoted"
    )
    p = parse(Story(id="1", title="t", body=body))
    kinds = [(b.kind, b.section) for b in p.blocks if b.field == "body"]
    assert (LIST_ITEM, SEC_REPRO) in kinds and (LIST_ITEM, SEC_PROPOSAL) in kinds and (LIST_ITEM, SEC_AC) in kinds
    assert any(k == CODE for k, _ in kinds) and any(k == QUOTE for k, _ in kinds)
    assert next(b for b in p.blocks if b.kind == CODE).lang == "sql"
    assert sum(1 for b in p.blocks if b.kind == HEADING) == 3


def test_prose_pasted_in_a_fence_is_quoted_text() -> None:
    prose = "Duplicity compresses with a single process at the moment.\nPerformance could be increased by doing it in parallel, maybe using a library.\n"
    p = parse(Story(id="1", title="t", body=f"```\n{prose}```"))
    assert body_kinds(p) == [QUOTE]
    log = "2020-01-01 ERROR failed\n[WARN] retry (1/3)\n$ make test\n"
    p = parse(Story(id="1", title="t", body=f"```\n{log}```"))
    assert body_kinds(p) == [CODE]


def test_template_comments_are_masked() -> None:
    p = parse(Story(id="1", title="t", body="<!-- Add a column to the table -->\nReal text"))
    assert "Add" not in p.masked_body and len(p.masked_body) == len(p.body)


@pytest.mark.parametrize("apostrophe", ["\u2019", "\u2018", "\u02bc"])
def test_a_typographic_apostrophe_reads_as_the_ascii_one(apostrophe: str) -> None:
    """A word processor's "we’ll", "I’d suggest", "let’s" are the plans "we'll" ... are."""
    for plain in ("We'll store the drafts in Redis.", "I'd suggest we store the drafts in Redis.", "Let's store it in Redis."):
        typed = plain.replace("'", apostrophe)
        p = parse(Story(id="1", title="Drafts", body=typed))
        assert p.body == typed and p.masked_body == plain  # the writer's text kept; the analysis copy as ASCII
        [s] = analyse(p).sentences[1:]
        assert s.plan, typed


# a pull-request form's checklist: what the writer attests to, and the gate's other boxes
_PR_CHECKLIST = """Adds a zoom factor to the calibration tool.

### Pull request readiness checklist

See the contributing guide.

- [x] I agree to contribute to the project under the Apache 2 License.
- [x] The PR is proposed to the proper branch
- [x] There are accuracy tests in the extra repository
      A patch to the extra repository has the same branch name.
- [ ] The feature is documented and the sample builds with the project CMake

## Acceptance criteria
- [ ] I can zoom the preview in and out
- [ ] The zoom level is kept for the next session
"""


def test_a_forms_process_checklist_is_masked() -> None:
    p = parse(Story(id="1", title="Add a zoom factor", body=_PR_CHECKLIST))
    assert len(p.masked_body) == len(p.body) and p.masked_body.count("\n") == p.body.count("\n")
    for gone in ("I agree", "proper branch", "accuracy tests", "same branch name", "CMake"):
        assert gone not in p.masked_body
    # the lines around it stay: the gate's own line, its note, the story and the criteria after it
    for kept in ("readiness checklist", "See the contributing guide", "Adds a zoom factor",
                 "I can zoom the preview", "The zoom level is kept"):
        assert kept in p.masked_body


@pytest.mark.parametrize(
    ("box", "masked"),
    [
        ("I have searched the existing issues", True),
        ("I've read the contributing guide", True),
        ("I checked the FAQ and found no answer", True),
        ("I confirm this is not a question", True),
        ("I am using the latest version", True),
        # a box that states what someone can do or needs is a criterion
        ("I can export my orders to PDF", False),
        ("I need to see which orders failed", False),
        ("I am able to undo the import", False),
        ("The export keeps the column order", False),
    ],
)
def test_a_box_the_writer_ticks_for_the_submission_is_masked(box: str, masked: bool) -> None:
    """... with the other boxes of its run (the form's checklist), not a list after it."""
    body = f"Export orders.\n\n- [ ] {box}\n- [x] The change is on the release branch\n\nCriteria:\n- [ ] Orders export to PDF\n"
    p = parse(Story(id="1", title="t", body=body))
    assert (box not in p.masked_body) is masked
    assert ("release branch" not in p.masked_body) is masked
    assert "Orders export to PDF" in p.masked_body


def test_a_checklist_gate_ends_at_the_next_heading() -> None:
    body = "Issue submission checklist\n- [x] The report is no question\n\n## Tasks\n- [ ] Add a retry to the upload\n"
    p = parse(Story(id="1", title="t", body=body))
    assert "no question" not in p.masked_body and "Add a retry to the upload" in p.masked_body


@pytest.mark.parametrize(
    "line",
    [
        "As a shopper I want to review my cart before submitting the order so that I avoid mistakes.",
        "Reviewers go through the pull request checklist with the author before they approve it.",
    ],
)
def test_a_gate_named_in_the_storys_own_sentence_masks_nothing(line: str) -> None:
    """A sentence of the story that names a gate is no form's label: the story's own boxes
    after it stay criteria (and their HOW is still found)."""
    body = f"{line}\n\n- [ ] The cart lists each product with its price\n- [ ] Store the cart in a Redis hash\n"
    p = parse(Story(id="1", title="t", body=body))
    assert p.masked_body == p.body
    # a label still gates what follows it
    for label in ("Before submitting:", "Before submitting a pull request, make sure that:", "### Before submitting"):
        gated = parse(Story(id="1", title="t", body=body.replace(line, label)))
        assert "Redis" not in gated.masked_body, label


@pytest.mark.parametrize(
    ("heading", "fmt"),
    [
        ("*Acceptance Criteria*", BodyFormat.JIRA_WIKI),  # bold in Jira wiki
        ("Acceptance Criteria", BodyFormat.MARKDOWN),  # a label alone on its line
        ("Acceptance Criteria", BodyFormat.JIRA_WIKI),
    ],
)
def test_a_checklist_gate_ends_at_a_label_heading(heading: str, fmt: BodyFormat) -> None:
    """The criteria heading the parser reads ends a gate's reach as a Markdown heading does."""
    dor = "*Definition of Ready*" if fmt == BodyFormat.JIRA_WIKI else "Definition of Ready"
    body = (f"As a user I want to export so that I keep records.\n\n{dor}\n* [x] Story estimated\n\n"
            f"{heading}\n* [ ] The export button writes a CSV file\n* [ ] Store the export in a Redis hash\n")
    p = parse(Story(id="1", title="t", body=body, body_format=fmt))
    assert "Story estimated" not in p.masked_body
    assert "The export button writes a CSV file" in p.masked_body and "Redis hash" in p.masked_body


@pytest.mark.parametrize(
    ("heading", "fmt"),
    [
        ("## Acceptance criteria", BodyFormat.MARKDOWN),
        ("Acceptance criteria:", BodyFormat.MARKDOWN),
        ("h3. Acceptance Criteria", BodyFormat.JIRA_WIKI),
    ],
)
def test_a_first_person_box_under_acceptance_criteria_stays_a_criterion(heading: str, fmt: BodyFormat) -> None:
    """'I am on the orders page', 'I have items in my cart' are a user's steps in criteria, not
    a writer attesting to a form; under another heading the same box still attests."""
    body = (f"As a shopper I want an export so that I keep records.\n\n{heading}\n"
            "- [ ] I am on the orders page and see an Export button\n"
            "- [ ] I have two orders and the export holds both\n"
            "- [ ] The export is written by a new OrderCsvWriter class\n")
    p = parse(Story(id="1", title="t", body=body, body_format=fmt))
    assert p.masked_body == p.body
    form = parse(Story(id="1", title="t", body=body.replace(heading, "## Checks"), body_format=fmt))
    assert "orders page" not in form.masked_body and "OrderCsvWriter" not in form.masked_body


def test_html_pre_and_code_elements_in_markdown_are_code() -> None:
    """A `<pre>` block (with its `<code>`, a highlighter's language) and a `<code>` element are
    code in a Markdown body, as a fence and a backtick span are: its SQL is DM02's, its words no
    sentence; a tag a backtick span quotes ("`<pre>`") or a Jira wiki body's "<pre>" is text."""
    sql = "ALTER TABLE reports ADD COLUMN cached_at timestamp;"
    for block in (f"<pre>\n{sql}\n</pre>", f"<pre><code>{sql}\n</code></pre>", f'  <pre lang="sql">{sql}</pre>',
                  f'<pre class="language-sql"><code>\n{sql}\n</code></pre>'):  # fmt: skip
        body = f"Exporting a report takes minutes.\n\n{block}\n\nThe export page shows the report."
        p = parse(Story(id="1", title="Cache report exports", body=body))
        code = [b for b in p.blocks if b.kind == CODE]
        assert [p.body[b.start : b.end].strip() for b in code] == [sql], block
        assert code[0].lang == ("sql" if "sql" in block[:30] else ""), block
        assert not any(sql[:11] in p.body[t.start : t.end] for t in p.sentences), block
        assert p.body[p.blocks[-1].start : p.blocks[-1].end] == "The export page shows the report.", block
        found = Linter(Config(min_confidence=0)).lint(Story(id="1", title="Cache report exports", body=body)).findings
        assert "DM02" in [f.rule for f in found], block
    # prose pasted into a <pre> is quoted text, as in a fence
    prose = "The export took four minutes for the March report and then the page said it had timed out after waiting."
    p = parse(Story(id="1", title="t", body=f"Slow.\n\n<pre>\n{prose}\n</pre>"))
    assert [b.kind for b in p.blocks[1:]] == [PARAGRAPH, QUOTE]
    # an inline <code> element is a code span
    p = parse(Story(id="1", title="t", body="The page calls <code>ReportExporter.run()</code> for every row."))
    assert [p.body[c.start : c.end] for c in p.code_spans] == ["ReportExporter.run()"]
    # quoted in a backtick span, or in a Jira wiki body, the tag is text
    p = parse(Story(id="1", title="t", body="Wrap it in `<pre>`\n\nand `<code>x</code>` too."))
    assert not any(b.kind == CODE for b in p.blocks)
    assert [p.body[c.start : c.end] for c in p.code_spans] == ["<pre>", "<code>x</code>"]
    # (its statement, on a line of its own, is code by its shape, as a bare statement is anywhere)
    wiki = parse(Story(id="1", title="t", body=f"<pre>\n{sql}\n</pre>", body_format=BodyFormat.JIRA_WIKI))
    assert [(b.kind, wiki.body[b.start : b.end][:11]) for b in wiki.blocks[1:]] == [(PARAGRAPH, "<pre>"), (CODE, sql[:11])]


@pytest.mark.parametrize(
    ("tags", "lang"),
    [('<pre class="hljs language-sql">', "sql"), ('<pre><code class="hljs language-sql">', "sql"),
     ('<pre class="highlight highlight-source-sql">', "sql"), ('<pre lang="sql" class="notranslate">', "sql"),
     ('<pre class="sql">', "sql"), ('<pre class="notranslate wrap">', "")],
)  # fmt: skip
def test_a_pre_blocks_language_is_the_one_its_class_marks(tags: str, lang: str) -> None:
    """The language of a `<pre>` is its `lang`, or the class a highlighter marks as one
    ("language-sql", "highlight-source-sql"), wherever it stands among the classes; a class that
    names no language ("hljs", "notranslate") is none (a block of prose in it is quoted text)."""
    sql = "ALTER TABLE reports ADD COLUMN cached_at timestamp;"
    p = parse(Story(id="1", title="t", body=f"Slow.\n\n{tags}\n{sql}\n</pre>\n\nEnd."))
    assert [b.lang for b in p.blocks if b.kind == CODE] == [lang]


def test_words_after_a_pre_blocks_end_tag_on_its_line_are_read() -> None:
    """"<pre>...</pre> We should add a cache": the words after the end tag on its line are
    shown after the block and are the story's (a plan there was dropped with the line)."""
    sql = "SELECT * FROM orders WHERE total > 100"
    for body in (f"Reports load slowly.\n\n<pre>{sql}</pre> We should cache the totals in Redis.\n\nThe end.",
                 f"Reports load slowly.\n\n<pre>\n{sql}\n</pre>  We should cache the totals in Redis.\nThe end."):  # fmt: skip
        p = parse(Story(id="1", title="Faster reports", body=body))
        assert [p.body[b.start : b.end].strip() for b in p.blocks if b.kind == CODE] == [sql], body
        shown = [p.body[s.start : s.end] for s in p.sentences]
        assert "We should cache the totals in Redis." in shown, body
        assert any(s.plan for s in analyse(p).sentences if "Redis" in s.text), body
    # two blocks on one line are two blocks
    p = parse(Story(id="1", title="t", body=f"Slow.\n\n<pre>{sql}</pre> <pre>SELECT 1</pre> Then cache it.\n"))
    assert [p.body[b.start : b.end] for b in p.blocks if b.kind == CODE] == [sql, "SELECT 1"]
    assert [p.body[s.start : s.end] for s in p.sentences][-1] == "Then cache it."
    # an end tag alone on its line, or with white space after it, leaves the next line as it was
    p = parse(Story(id="1", title="t", body=f"<pre>\n{sql}\n</pre>   \nThe end."))
    assert [b.kind for b in p.blocks[1:]] == [CODE, PARAGRAPH]


def test_html_code_inside_an_html_comment_is_no_code() -> None:
    """An issue template's instructions in a comment ("<!-- paste it like this: <pre lang="sql">
    ... -->") are not shown: a `<pre>` or `<code>` there is no block and no span, as a fence in a
    comment is none (the mask blanks comments as it blanks tags; its blank told them apart from
    a tag a backtick span quotes only)."""
    sql = "SELECT * FROM orders WHERE total > 100"
    for example in (f'<pre lang="sql">\n{sql}\n</pre>', f"```sql\n{sql}\n```"):
        body = f"Reports load slowly.\n\n<!-- Paste your query like this:\n{example}\n-->\n\nThe page shows the report."
        story = Story(id="1", title="Faster reports", body=body)
        assert not any(b.kind == CODE for b in parse(story).blocks), example
        assert "DM02" not in [f.rule for f in Linter(Config(min_confidence=0)).lint(story).findings], example
    p = parse(Story(id="1", title="t", body="The page calls <!-- not <code>ReportExporter.run()</code> --> the exporter."))
    assert p.code_spans == []
    # a block or an element after the comment is code
    body = f"<!-- a note -->\n<pre lang=\"sql\">\n{sql}\n</pre>\n\nIt calls <!-- x --> <code>run()</code> today."
    p = parse(Story(id="1", title="t", body=body))
    assert [(b.kind, b.lang) for b in p.blocks if b.kind == CODE] == [(CODE, "sql")]
    assert [p.body[c.start : c.end] for c in p.code_spans] == ["run()"]


def test_a_checklist_quoted_in_a_fenced_code_block_is_left_as_it_is() -> None:
    """A form quoted as code (the template a story asks for) is neither masked nor a gate for
    the story's own boxes after it."""
    body = ("As a maintainer I want a pull request template so that contributors run the tests.\n\n"
            "```markdown\n## Before submitting\n- [ ] I ran the tests\n```\n\n"
            "- [ ] The template shows up on new pull requests\n- [ ] Store the template in a Redis hash\n")
    p = parse(Story(id="1", title="t", body=body))
    assert p.masked_body == p.body
    # outside the fence the same lines are a form's checklist
    bare = parse(Story(id="1", title="t", body=body.replace("```markdown\n", "").replace("```\n", "")))
    assert "I ran the tests" not in bare.masked_body and "Redis hash" not in bare.masked_body


def test_jira_wiki_blocks() -> None:
    body = "h2. Acceptance criteria\n* users can pay\n{code:sql}\nSELECT 1\n{code}\n||a||b||\n|1|2|\nuse {{order_id}} here"
    p = parse(Story(id="1", title="t", body=body, body_format=BodyFormat.JIRA_WIKI))
    kinds = body_kinds(p)
    assert kinds[:3] == [HEADING, LIST_ITEM, CODE]
    assert any(p.body[s.start : s.end] == "order_id" for s in p.code_spans)


def test_jira_wiki_lines_starting_with_a_letter() -> None:
    """Plain lines take the parser's fast path; headings and quotes that start with a letter do not."""
    body = ("Some text here\ncontinued\nh2. Goal\nh2.not a heading\nbq. a quote\nbq.not one\n"
            "Acceptance criteria:\nusers can pay\nhx. text")  # fmt: skip
    p = parse(Story(id="1", title="t", body=body, body_format=BodyFormat.JIRA_WIKI))
    blocks = body_blocks(p)
    assert blocks == [
        (PARAGRAPH, "Some text here\ncontinued"),
        (HEADING, "Goal"),
        (PARAGRAPH, "h2.not a heading"),
        (QUOTE, "a quote"),
        (PARAGRAPH, "bq.not one"),
        (HEADING, "Acceptance criteria:"),
        (PARAGRAPH, "users can pay\nhx. text"),
    ]


def test_bare_and_bold_acceptance_labels_head_the_criteria() -> None:
    """'Acceptance:' alone, '*Acceptance*' (Jira wiki bold) and '*Acceptance*: text' head a
    criteria section; other bold lines ('*Expected result*') stay text."""
    for body in ("Context.\n\nAcceptance:\n1. the old package is stopped",
                 "Context.\n\n*Acceptance*\n\nthe old package is stopped",
                 "*Acceptance*: the old package is stopped"):  # fmt: skip
        p = parse(Story(id="1", title="t", body=body, body_format=BodyFormat.JIRA_WIKI))
        criteria = [b for b in p.blocks if b.field == "body" and b.section == SEC_AC and b.kind != HEADING]
        assert [p.body[b.start : b.end].strip() for b in criteria] == ["the old package is stopped"], body
    p = parse(Story(id="1", title="t", body="*Expected result*\nthe view is on top", body_format=BodyFormat.JIRA_WIKI))
    assert not any(b.kind == HEADING for b in p.blocks if b.field == "body")


def test_backtick_pairing_is_linear_and_correct() -> None:
    p = parse(Story(id="1", title="a `x` b ``y`z`` c ` d", body=""))
    assert [p.title[s.start : s.end] for s in p.code_spans] == ["x", "y`z"]


def test_links_are_recorded_with_positions() -> None:
    p = parse(Story(id="1", title="t", body="See [the mock](https://example.com/m.png) and www.example.org."))
    assert [p.body[s.start : s.end] for s in p.links] == ["https://example.com/m.png", "www.example.org"]


def test_jira_wiki_numbered_lists_are_list_items() -> None:
    """`# item` is a numbered list in Jira wiki, not a Markdown heading; `##` nests."""
    body = "h2. Steps\n# Create the {{orders}} table\n## Add a {{status}} column\n# Wire the endpoint"
    p = parse(Story(id="1", title="t", body=body, body_format=BodyFormat.JIRA_WIKI))
    items = [(p.body[b.start : b.end], b.depth) for b in p.blocks if b.kind == LIST_ITEM]
    assert items == [("Create the {{orders}} table", 0), ("Add a {{status}} column", 1), ("Wire the endpoint", 0)]
    assert body_kinds(p) == [HEADING, LIST_ITEM, LIST_ITEM, LIST_ITEM]


def test_jira_wiki_step_list_is_found() -> None:
    from storylint.config import config_from_dict
    from storylint.engine import Linter

    body = "# Create a migration for the {{order_status}} table\n# Add a {{hasChanges}} flag to the reducer\n# Deploy the {{StatusService}}"
    story = Story(id="1", title="Order status", body=body, body_format=BodyFormat.JIRA_WIKI)
    assert [f.rule for f in Linter(config_from_dict({"select": ["IS01"]})).lint(story).findings] == ["IS01"]


def test_a_jira_wiki_items_next_line_without_a_marker_goes_on_with_the_item() -> None:
    """Jira shows a line with no marker right after a list item inside the item, after a line
    break (as Markdown does an indented one): one step hard-wrapped over two lines keeps the list
    a list of steps. A blank line, a heading or a table ends the list; an unquoted line after a
    "bq. " item is a paragraph ("bq. " quotes one line)."""
    body = ("h3. Plan\n# Add an audit table,\nwith an index on the user\n# Create the nightly job\n"
            "{{prune_rows}} runs at 2am\n\nThe team decides the rest.\n* One\nh3. Notes\n* Two\n|a|b|\n"
            "bq. # Quoted step\nplain text")  # fmt: skip
    p = parse(Story(id="1", title="t", body=body, body_format=BodyFormat.JIRA_WIKI))
    assert body_blocks(p) == [
        (HEADING, "Plan"),
        (LIST_ITEM, "Add an audit table,\nwith an index on the user"),
        (LIST_ITEM, "Create the nightly job\n{{prune_rows}} runs at 2am"),
        (PARAGRAPH, "The team decides the rest."),
        (LIST_ITEM, "One"),
        (HEADING, "Notes"),
        (LIST_ITEM, "Two"),
        (TABLE, "|a|b|"),
        (LIST_ITEM, "Quoted step"),
        (PARAGRAPH, "plain text"),
    ]
    assert [p.body[s.start : s.end] for s in p.sentences if "audit" in p.body[s.start : s.end]] == [
        "Add an audit table,\nwith an index on the user"
    ]
    # a log pasted under an item is output, as it is under a paragraph
    p = parse(Story(id="1", title="t", body="# Run the import\n[ERROR] Invalid row 7\n", body_format=BodyFormat.JIRA_WIKI))
    assert body_blocks(p) == [(LIST_ITEM, "Run the import"), (CODE, "[ERROR] Invalid row 7")]


def test_a_jira_wiki_step_list_with_a_wrapped_step_is_found() -> None:
    """The same plan is a build plan in Jira wiki as in Markdown, its first step wrapped or not."""
    from storylint.config import config_from_dict
    from storylint.engine import Linter

    linter = Linter(config_from_dict({"select": ["IS01"]}))
    plans = (("# Add an audit table,\nwith an index on the user\n# Create the nightly job that prunes old rows",
              BodyFormat.JIRA_WIKI),
             ("1. Add an audit table,\n   with an index on the user\n2. Create the nightly job that prunes old rows",
              BodyFormat.MARKDOWN))  # fmt: skip
    for body, fmt in plans:
        story = Story(id="1", title="Audit log", body="h3. Plan\n" + body if fmt == BodyFormat.JIRA_WIKI else "### Plan\n" + body, body_format=fmt)
        assert [f.rule for f in linter.lint(story).findings] == ["IS01"], fmt


def test_a_list_inside_a_quote_is_a_list() -> None:
    """"> 1. ..." is a list item as "1. ..." is (quoted material counts as the story's): nested
    quotes, an item's continued line and a blank quoted line between items keep the list; a
    quoted heading, a rule and quoted prose stay quoted text."""
    body = (
        "## Next steps\n\n> 1. Add an attempts column\n>    to the uploads table\n>\n> 2. Create a retry class\n"
        "> > - Wire the endpoint\n\n> ## Proposal\n> ---\n> Plain quoted prose."
    )
    p = parse(Story(id="1", title="t", body=body))
    blocks = body_blocks(p)
    assert blocks == [
        (HEADING, "Next steps"),
        (LIST_ITEM, "Add an attempts column\n>    to the uploads table"),
        (LIST_ITEM, "Create a retry class"),
        (LIST_ITEM, "Wire the endpoint"),
        (QUOTE, "## Proposal"),
        (QUOTE, "---"),
        (QUOTE, "Plain quoted prose."),
    ]
    assert {b.section for b in p.blocks if b.kind == LIST_ITEM} == {SEC_PROPOSAL}
    # the item's wrapped line is the same sentence, past its quote mark
    assert [p.body[s.start : s.end] for s in p.sentences if s.field == "body"][:2] == [
        "Add an attempts column\n>    to the uploads table", "Create a retry class"
    ]
    wiki = parse(Story(id="1", title="t", body="bq. # Create the orders table", body_format=BodyFormat.JIRA_WIKI))
    assert body_blocks(wiki) == [
        (LIST_ITEM, "Create the orders table")
    ]


def test_a_quoted_paragraphs_lines_join_as_a_paragraphs_do() -> None:
    """One quoted sentence hard-wrapped over two "> " lines is one block and one sentence (one
    excerpt), as the same lines unquoted are; a blank "> " line, a deeper quote, a quoted heading
    or label, and the quote's end each end the quoted paragraph."""
    body = ("From the review:\n\n> We should add a `customer_id` column to the `orders` table\n"
            "> and create a `CustomerIndex` class.\n>\n> The export stays as it is.\n> > a deeper quote\n"
            "> ## Proposal\n> keep it short\n> **Notes**\n> one more\nafter the quote")  # fmt: skip
    p = parse(Story(id="1", title="t", body=body))
    assert body_blocks(p) == [
        (PARAGRAPH, "From the review:"),
        (QUOTE, "We should add a `customer_id` column to the `orders` table\n> and create a `CustomerIndex` class."),
        (QUOTE, ""),
        (QUOTE, "The export stays as it is."),
        (QUOTE, "> a deeper quote"),
        (QUOTE, "## Proposal"),
        (QUOTE, "keep it short"),
        (QUOTE, "**Notes**"),
        (QUOTE, "one more"),
        (PARAGRAPH, "after the quote"),
    ]
    said = [p.body[s.start : s.end] for s in p.sentences if s.field == "body"]
    assert said[:3] == ["From the review:",
                        "We should add a `customer_id` column to the `orders` table\n> and create a `CustomerIndex` class.",
                        "The export stays as it is."]  # fmt: skip
    # the same sentence's findings point at the one sentence, as unquoted
    linter = Linter(Config())
    for text in ("> We should add a `customer_id` column to the `orders` table\n> and create a `CustomerIndex` class.",
                 "We should add a `customer_id` column to the `orders` table\nand create a `CustomerIndex` class."):  # fmt: skip
        found = linter.lint(Story(id="1", title="Orders by customer", body=text)).findings
        excerpts = {f.excerpt for f in found if f.field == "body"}
        assert len(excerpts) == 1 and "orders" in next(iter(excerpts)) and "CustomerIndex" in next(iter(excerpts)), text


def test_a_step_list_inside_a_quote_is_found() -> None:
    """A plan quoted from a review is a plan (IS01), as it is unquoted; quoted reproduction
    steps stay a reproduction, and a quoted checklist of behaviours is criteria (AC01)."""
    from storylint.config import config_from_dict
    from storylint.engine import Linter

    linter = Linter(config_from_dict({"select": ["IS01", "AC01"]}))
    steps = ["Add an attempts column to the uploads table", "Create an UploadRetryService class", "Wire the retry endpoint"]

    def rules(body: str) -> list[str]:
        return sorted(f.rule for f in linter.lint(Story(id="1", title="Upload retries", body=body)).findings)

    plan = "".join(f"{i}. {step}\n" for i, step in enumerate(steps, 1))
    quoted = "".join(f"> {line}\n" for line in plan.splitlines())
    assert rules(f"## Next steps\n\n{plan}") == rules(f"## Next steps\n\n{quoted}") == ["AC01", "IS01"]
    assert rules(f"A user wrote in:\n\n{quoted}>\n> Expected: the upload is retried.") == ["AC01"]
    criteria = "> - Admins can see every registered member\n> - Admins can suspend a member who breaks the rules"
    assert rules(f"The linked request asks:\n\n{criteria}") == []


def test_a_list_in_a_fence_inside_a_quote_is_code_not_a_list() -> None:
    """"> ```" opens code inside the quote: its "> - name: ..." lines are quoted code, not list
    items (an unquoted fence's lines are none), so a pasted config or script is no plan (IS01);
    once the fence closes, or the quote ends, a quoted list is a list again."""
    from storylint.config import config_from_dict
    from storylint.engine import Linter

    body = (
        "The playbook, from the wiki:\n\n> ```yaml\n> - name: install redis\n>   apt: pkg=redis\n> ```\n"
        "> - Create a retry class\n\n> ~~~\n> 1. not closed by the quote's end\n\n> 2. Wire the endpoint"
    )
    p = parse(Story(id="1", title="t", body=body))
    assert body_blocks(p) == [
        (PARAGRAPH, "The playbook, from the wiki:"),
        (QUOTE, "```yaml"),
        (QUOTE, "- name: install redis"),
        (QUOTE, "  apt: pkg=redis"),
        (QUOTE, "```"),
        (LIST_ITEM, "Create a retry class"),
        (QUOTE, "~~~"),
        (QUOTE, "1. not closed by the quote's end"),
        (LIST_ITEM, "Wire the endpoint"),
    ]
    plan = "1. Add a retry_count column to the jobs table\n2. Create a RetryService class\n3. Wire the endpoint"
    quoted_code = "".join(f"> {line}\n" for line in ["```", *plan.splitlines(), "```"])
    linter = Linter(config_from_dict({"select": ["IS01"]}))

    def rules(body: str) -> list[str]:
        return [f.rule for f in linter.lint(Story(id="1", title="Imports of large files", body=body)).findings]

    assert rules(f"From the support thread:\n\n```\n{plan}\n```") == rules(f"From the support thread:\n\n{quoted_code}") == []
    assert rules(f"From the support thread:\n\n{plan}") == ["IS01"]


def test_jira_wiki_monospace_markup_is_not_in_excerpts() -> None:
    from storylint.config import config_from_dict
    from storylint.engine import Linter

    body = "Intro line.\n\nStore it in the {{order_status}} column of {{orders}}."
    story = Story(id="1", title="Order status", body=body, body_format=BodyFormat.JIRA_WIKI)
    findings = Linter(config_from_dict({"select": ["DM05"]})).lint(story).findings
    assert findings, "DM05 should flag order_status"
    f = findings[0]
    assert f.excerpt == "Store it in the order_status column of orders."
    assert "{{" not in f.message and "}}" not in f.message
    line = body.split("\n")[f.line - 1]
    assert line[f.column - 1 :].startswith("order_status")  # positions still point into the raw text


def test_a_quoted_lists_excerpt_carries_no_quote_markers() -> None:
    """A plan quoted from a review ("> 1. Add ...\n> 2. Create ...") is shown as its words, as the
    same list unquoted is: the quote's ">" on each further line is markup, not the writer's."""
    plan = "1. Add a `customer_id` column to the `orders` table,\n   with an index\n2. Create a `CustomerIndex` class"
    quoted = "\n".join("> " + line for line in plan.split("\n"))
    nested = "\n".join(">> " + line for line in plan.split("\n"))
    linter = Linter(Config())

    def excerpts(body: str) -> list[str]:
        story = Story(id="1", title="Faster order search", body=f"Search is slow.\n\nFrom the review:\n{body}\n")
        return [f.excerpt for f in linter.lint(story).findings if f.rule == "IS01"]

    shown = excerpts(plan)
    assert shown and all(">" not in e for e in shown)
    assert excerpts(quoted) == excerpts(nested) == shown
    # (the positions still point into the raw text)
    story = Story(id="1", title="Faster order search", body=f"From the review:\n{quoted}\n")
    f = next(f for f in linter.lint(story).findings if f.rule == "IS01")
    assert story.body.split("\n")[f.line - 1][f.column - 1 :].startswith("Add a `customer_id`")


def test_a_jira_wiki_quotes_excerpt_carries_no_quote_markup() -> None:
    """Jira wiki quotes with "{quote}" and "bq. " and colours with "{color:red}": markup that the
    reader of a finding never wrote as words, shown before as "{quote}We should add ..." and "...
    table bq. # Create ..."; the excerpt is the words, as the same text unquoted shows them."""
    linter = Linter(Config())

    def shown(body: str, rule: str, fmt: BodyFormat = BodyFormat.JIRA_WIKI) -> list[tuple[str, int, int]]:
        story = Story(id="1", title="Faster order search", body=f"Search is slow.\n\nFrom the review:\n{body}\n", body_format=fmt)
        return [(f.excerpt, f.line, f.column) for f in linter.lint(story).findings if f.rule == rule]

    said = "We should add a {{customer_id}} column to the {{orders}} table."
    plain = shown(said, "DM01")
    assert plain and plain[0][0] == "We should add a customer_id column to the orders table."
    for quoted in (f"{{quote}}{said}{{quote}}", f"{{quote}}\n{said}\n{{quote}}", f"bq. {said}",
                   said.replace("the {{orders}}", "the {color:red}{{orders}}{color}")):  # fmt: skip
        assert [e for e, _, _ in shown(quoted, "DM01")] == [plain[0][0]], quoted
    plan = "# Add a {{customer_id}} column to the {{orders}} table\n# Create a {{CustomerIndex}} class"
    unquoted = shown(plan, "IS01")
    assert unquoted and unquoted[0][0] == "Add a customer_id column to the orders table # Create a CustomerIndex class"
    quoted_plan = shown("\n".join("bq. " + line for line in plan.split("\n")), "IS01")
    assert [e for e, _, _ in quoted_plan] == [unquoted[0][0]]
    # (the positions still point into the raw text: "bq. # " before the plan's first word)
    assert quoted_plan[0][1:] == (4, 7)
    # in Markdown, braces and "bq." are the writer's text
    assert shown("We should add a `customer_id` column to {quote} the `orders` table.", "DM01", BodyFormat.MARKDOWN)[0][0] == (
        "We should add a `customer_id` column to {quote} the `orders` table."
    )


def test_bare_log_paragraph_is_output_not_prose() -> None:
    """A log pasted without a fence, continuation lines and all, is output; a paragraph that
    merely mentions a level or a time is prose."""
    log = (
        "2024-03-01 10:00:01,120 INFO [main] [Scheduler] Starting the nightly job\n"
        "2024-03-01 10:00:02,004 ERROR [main] [Scheduler] Batch 7 was aborted.\n"
        "Call getCause to see why.\n"
        "2024-03-01 10:00:02,010 WARN [main] [Scheduler] Retrying"
    )
    p = parse(Story(id="1", title="t", body=f"The job stops.\n\n{log}\n\nIt started last week."))
    kinds = body_blocks(p, 14)
    assert kinds == [(PARAGRAPH, "The job stops."), (CODE, "2024-03-01 10:"), (PARAGRAPH, "It started las")]
    assert not any("getCause" in p.body[s.start : s.end] for s in p.sentences)
    # half the lines log-like is the boundary: one of three is prose
    p = parse(Story(id="1", title="t", body="ERROR shows up on the page\nwhen I save a draft\nand then nothing happens"))
    assert body_kinds(p) == [PARAGRAPH]
    p = parse(Story(id="1", title="t", body="ERROR: disk full\nat Store.save(Store.java:12)\nthen it stops"))
    assert body_kinds(p) == [CODE]


def test_bare_terminal_session_is_output_not_prose() -> None:
    """A database dump or a shell session pasted without a fence is output: SQL statements in
    their own shape (upper-case keywords, "INSERT INTO ... VALUES(...);", "COMMIT;") and prompt
    lines, "# sqlite3 /path" no heading. An order in prose that names a table is prose."""
    session = (
        "# sqlite3 /var/lib/reminders/queue.db\n"
        "sqlite> .dump jobs\n"
        "BEGIN TRANSACTION;\n"
        "CREATE TABLE jobs (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, due TEXT);\n"
        "INSERT INTO \"jobs\" VALUES(1,'weekly_digest','2026-11-02');\n"
        "COMMIT;"
    )
    p = parse(Story(id="1", title="t", body=f"Reminders stopped.\n\n{session}\n\nNone has gone out since."))
    kinds = [(b.kind, p.body[b.start : b.end][:9]) for b in p.blocks if b.field == "body"]
    assert kinds == [(PARAGRAPH, "Reminders"), (CODE, "# sqlite3"), (PARAGRAPH, "None has ")]
    # one line of a shell session is output as a log line is; so is a user's prompt
    for line in ("$ ls -l /var/log/app", "me@box:~/src$ make dist", "ALTER TABLE orders ADD COLUMN status TEXT;"):
        p = parse(Story(id="1", title="t", body=f"It fails.\n\n{line}\n\nSince Monday."))
        assert [b.kind for b in p.blocks if b.field == "body"] == [PARAGRAPH, CODE, PARAGRAPH], line
    # prose that orders a table or an insert, a heading that names a program, Jira's numbered item
    prose = "Create a table for the monthly totals.\nInsert the date into the header; keep the rest.\nSelect rows from the sheet."
    p = parse(Story(id="1", title="t", body=prose))
    assert [b.kind for b in p.blocks if b.field == "body"] == [PARAGRAPH]
    p = parse(Story(id="1", title="t", body="# npm install fails on Windows\nThe installer stops."))
    assert [b.kind for b in p.blocks if b.field == "body"] == [HEADING, PARAGRAPH]
    p = parse(Story(id="1", title="t", body="# curl -I http://localhost:8080/in\n# see the 404", body_format=BodyFormat.JIRA_WIKI))
    assert [b.kind for b in p.blocks if b.field == "body"] == [LIST_ITEM, LIST_ITEM]


def test_bare_sql_dump_in_a_report_is_no_prescription() -> None:
    """The reporter's database, pasted without a fence, is judged as the same dump in a fence:
    DM02's weak evidence, not a schema order (DM01), field names (DM05) or names from code."""
    dump = (
        "sqlite> .dump prefs\n"
        "CREATE TABLE prefs (_id INTEGER PRIMARY KEY,name TEXT UNIQUE,value TEXT);\n"
        "INSERT INTO \"prefs\" VALUES(1,'dark_mode','1');\n"
        "INSERT INTO \"prefs\" VALUES(2,'auto_sync','0');"
    )
    linter = Linter(Config())

    def found(body: str) -> list[tuple[str, float]]:
        story = Story(id="1", title="Preferences lost after restart", body=body)
        return sorted((f.rule, f.confidence) for f in linter.lint(story).findings if f.category in HOW_CATEGORIES)

    bare = found(f"My preferences reset on every restart:\n\n{dump}")
    assert bare == found(f"My preferences reset on every restart:\n\n```\n{dump}\n```") == []


def test_bare_sql_statement_over_lines_is_output_not_prose() -> None:
    """An SQL statement pasted without a fence over several lines, a clause or a column a line
    (upper-case keywords, "FROM ..." / "WHERE ..." lines, a column list inside its brackets, a
    line that ends in "," or "AND"), is output from its first line to its ";", as on one line.
    Prose that names an operation ("Select the rows that ...", "Create a table for each region")
    is no statement, nor is an upper-case word that no clause line goes on with."""
    select = "SELECT c.name, SUM(o.total) AS revenue\nFROM customers c\nJOIN orders o ON o.customer_id = c.id\nWHERE o.paid = 1 AND\n  o.total > 0\nGROUP BY c.name;"
    create = "CREATE TABLE user_accounts (\n  account_id BIGINT PRIMARY KEY,\n  login_email VARCHAR(255) NOT NULL,\n  last_login_at TIMESTAMP\n);"
    update = "UPDATE feature_flags\nSET enabled = 0\nWHERE expires_at < NOW();"
    for statement in (select, create, update):
        p = parse(Story(id="1", title="t", body=f"The report is empty.\n\n{statement}\n\nIt ran on Monday."))
        assert body_blocks(p) == [(PARAGRAPH, "The report is empty."), (CODE, statement), (PARAGRAPH, "It ran on Monday.")]
        # under the line that leads to it, in one paragraph: the lead-in stays prose
        p = parse(Story(id="1", title="t", body=f"The query it runs:\n{statement}"))
        assert body_blocks(p) == [(PARAGRAPH, "The query it runs:"), (CODE, statement)]
    # prose over lines that names operations, and a capitalised word no clause goes on with
    for prose in (
        "Select the rows that belong to the user\nfrom the sheet where they were entered.",
        "Create a table for each region\nwith a primary key on the region code.",
        "SELECT the region in the list\nthen press Save to keep it.",
        "UPDATE: the fix is in the next build\nand goes out on Monday.",
    ):
        assert body_kinds(parse(Story(id="1", title="t", body=prose))) == [PARAGRAPH], prose


def test_quoted_traceback_is_output_not_prose() -> None:
    """A log quoted in Markdown ("> Traceback (most recent call last):", ">   File ...", a Java
    stack's "> at ...") is output as it is unquoted: a code block from where it starts, the quoted
    lines above it a quote. A quote of prose stays a quote."""
    python = (
        "> The server log has:\n"
        "> Traceback (most recent call last):\n"
        '>   File "billing/export.py", line 88, in export_invoice\n'
        ">     pdf = self.renderer.render_pdf(invoice.items)\n"
        "> AttributeError: 'NoneType' object has no attribute 'write'"
    )
    p = parse(Story(id="1", title="t", body=f"Exporting fails.\n\n{python}\n\nIt worked before."))
    assert body_blocks(p, 20) == [
        (PARAGRAPH, "Exporting fails."),
        (QUOTE, "The server log has:"),
        (CODE, "Traceback (most rece"),
        (PARAGRAPH, "It worked before."),
    ]
    assert p.blocks[3].lang == "log" and not any("render_pdf" in p.body[s.start : s.end] for s in p.sentences)
    java = (
        "> > java.lang.IllegalStateException: no customer\n"
        "> >     at com.shop.orders.OrderService.persist(OrderService.java:112)\n"
        "> >     at com.shop.orders.OrderController.save(OrderController.java:57)"
    )
    p = parse(Story(id="1", title="t", body=java))
    assert body_blocks(p, 26) == [(CODE, "java.lang.IllegalStateExce")]
    # a quote of prose, one that names an error in its words, stays a quote
    prose = "> The Error dialog shows twice when I save\n> at the end of the form."
    assert body_kinds(parse(Story(id="1", title="t", body=prose))) == [QUOTE]


def test_stack_frames_parted_by_blank_lines_are_output() -> None:
    """A stack trace whose lines stand apart (a Jira quote, an export that doubled its line
    breaks) is output line by line: a frame ("at com.acme.Foo.run(Foo.java:12)", 'File "x.py",
    line 3, in run') or an exception's name first ("java.lang.IllegalStateException: ...") is a
    log line on its own, as a time or a level is. A sentence that opens with "at" or names an
    error is prose."""
    body = (
        "Saving an order fails:\n{quote}\njava.lang.IllegalStateException: no customer\n\n"
        "at com.shop.orders.OrderService.persist(OrderService.java:112)\n\n"
        "at com.shop.orders.OrderController.save(OrderController.java:57)\n{quote}\nIt started last week."
    )
    p = parse(Story(id="1", title="t", body=body, body_format=BodyFormat.JIRA_WIKI))
    assert [k for k, _ in body_blocks(p)] == [PARAGRAPH, CODE, CODE, CODE, PARAGRAPH]
    # a Python traceback pasted whole: its frames and its error are log lines, its source lines go with them
    python = (
        "Traceback (most recent call last):\n"
        '  File "tools/sync.py", line 41, in main\n'
        "    push(batch)\n"
        '  File "tools/push.py", line 9, in push\n'
        "    client.send(batch.items)\n"
        "KeyError: 'owner'"
    )
    p = parse(Story(id="1", title="t", body=f"Sync stops.\n{python}"))
    assert body_blocks(p) == [(PARAGRAPH, "Sync stops."), (CODE, python)]
    for line in ('File "tools/sync.py", line 41, in main', "KeyError: 'owner'", "com.acme.db.StoreError: closed"):
        p = parse(Story(id="1", title="t", body=f"It fails.\n\n{line}\n\nSince Monday."))
        assert body_kinds(p) == [PARAGRAPH, CODE, PARAGRAPH], line
    for line in ("at the moment (before the release) it fails.", "The Error dialog shows twice.", "Error: nothing is saved."):
        p = parse(Story(id="1", title="t", body=f"It fails.\n\n{line}\n\nSince Monday."))
        assert body_kinds(p) == [PARAGRAPH, PARAGRAPH, PARAGRAPH], line


def test_list_with_expected_and_actual_reproduces_a_bug() -> None:
    """Steps followed or interleaved by expected / actual results are what the reporter did."""
    body = "Steps:\n1. Set up an inbox to forward mail\n2. Send a message to it\n\n**Expected**\n\nThe forward arrives.\n\n**Actual**\n\nNothing."
    p = parse(Story(id="1", title="t", body=body))
    items = [b for b in p.blocks if b.kind == LIST_ITEM]
    assert len(items) == 2 and all(b.section == SEC_REPRO for b in items)
    wiki = "# Start the broker\n# Restart it\n## Expected: 4 consumers\n## Actual: 0 consumers"
    p = parse(Story(id="1", title="t", body=wiki, body_format=BodyFormat.JIRA_WIKI))
    assert {b.section for b in p.blocks if b.kind == LIST_ITEM} == {SEC_REPRO}
    # a plan with no verdict stays a plan
    p = parse(Story(id="1", title="t", body="## Plan\n1. Add a cache table\n2. Wire the endpoint\n\nThe expected load is small."))
    assert {b.section for b in p.blocks if b.kind == LIST_ITEM} == {SEC_PROPOSAL}


@pytest.mark.parametrize(
    ("body", "fmt"),
    [
        # the failure in the last item, after an arrow
        ("1. Open the settings page\n2. Add a new column to the table\n3. Click Save -> error", BodyFormat.MARKDOWN),
        # ... in the paragraph right after the steps
        ("1. Open the settings page\n2. Add a new column to the table\n3. Click Save\n\nNothing happens.", BodyFormat.MARKDOWN),
        ("# Create a project\n# Right-click the view and pick Analyse\n\nthere is an error pop-up and no analysis.", BodyFormat.JIRA_WIKI),
        ("* I opened the import wizard\n* I chose the sample file\n\nThe wizard crashed.", BodyFormat.JIRA_WIKI),
        # ... as a trace pasted after them
        ("1. Start the app\n2. Close it while a job runs\n\n```\njava.lang.NullPointerException: job\n  at a.B.c(B.java:10)\n```",
         BodyFormat.MARKDOWN),
        # ... under a bare "Steps" label
        ("Steps:\n1. Log in as an admin\n2. Remove the last owner of a team\n\nI get an error dialog.", BodyFormat.MARKDOWN),
    ],
)
def test_a_users_actions_ending_in_a_failure_reproduce_a_bug(body: str, fmt: BodyFormat) -> None:
    """A list of a user's actions with no reproduction heading, ending in a failure the reporter
    saw, is what the reporter did ("add a column", "click Save"), not the team's plan."""
    p = parse(Story(id="1", title="Saving settings", body=body, body_format=fmt))
    assert {b.section for b in p.blocks if b.kind in (LIST_ITEM, HEADING)} == {SEC_REPRO}, body


@pytest.mark.parametrize(
    "body",
    [
        # build steps, no user's action: the failure after them is what they mend
        "1. Add a `status` column to the orders table\n2. Expose it in /api/orders\n\nToday the export fails.",
        # a failure the text plans for, not one seen
        "1. Open the orders page\n2. Add a status column to the table\n\nIf the migration fails, roll it back.",
        "1. Click Export\n2. Store the file in the bucket\n\nThe export should not fail on empty orders.",
        "1. Open the report\n2. List the failed checks in a table",
        "1. Run the import\n2. Add error handling to the parser",
        # one step is no list of steps
        "1. Click Save -> error",
        # criteria are criteria, whatever failure they name
        "## Acceptance criteria\n1. Open the form\n2. Submit it empty\n\nAn error is shown under each field.",
    ],
)
def test_a_list_without_a_users_actions_and_a_failure_seen_is_no_reproduction(body: str) -> None:
    p = parse(Story(id="1", title="Order status", body=body))
    assert SEC_REPRO not in {b.section for b in p.blocks if b.kind == LIST_ITEM}, body


def test_reproduction_steps_without_a_heading_prescribe_nothing() -> None:
    """Session 48 read reports' steps ("add a column", "pick the country in the dropdown") as
    the author's data model and widget choice (DM01, UI04)."""
    linter = Linter()
    for body in ("1. Open the settings page\n2. Add a new column to the table\n3. Click Save -> error",
                 "1. Open the order form\n2. Set the country in the dropdown to France\n3. Click Save\n\nNothing happens."):  # fmt: skip
        found = [f.rule for f in linter.lint(Story(id="1", title="Settings form", body=body)).findings
                 if f.category in HOW_CATEGORIES]  # fmt: skip
        assert found == [], body
    plan = "1. Add a `status` column to the orders table\n2. Expose it in /api/orders\n\nToday the export fails."
    found = {f.rule for f in linter.lint(Story(id="1", title="Order status", body=plan)).findings}
    assert {"DM01", "AP01"} <= found


def test_a_polite_proposal_is_a_plan_not_the_users_want() -> None:
    s = sentences("I would like to propose to add one minute in the countdown helper.")[1]
    assert s.plan and s.directive and not s.user_clause
    s = sentences("I would like to export my reports as PDF.")[1]
    assert s.user_clause and not s.plan


@pytest.mark.parametrize(
    ("text", "plan"),
    [
        ("An idea would be to fire the callbacks in the existing switch statement.", True),
        ("One option is to run them on the CI machines; another would be to run them in a VM.", True),
        ("I'd plan to do this by adding a new op builder in the delegate.", True),
        ("I would suggest changing the default to four threads.", True),
        ("Maybe we can use a job queue for it?", True),
        # a want, a question about the product, an idea the user had of the product
        ("I would like to see the totals per month.", False),
        ("Maybe we can see the totals somewhere?", False),
        ("An idea of the totals per month helps me plan.", False),
    ],
)
def test_an_option_or_a_plan_put_forward_in_any_form_is_a_plan(text: str, plan: bool) -> None:
    assert any(s.plan for s in sentences(text)[1:]) is plan, text


def test_an_order_to_add_a_capability_states_behaviour() -> None:
    s = sentences("Add the ability to export boards as images.")[1]
    assert s.behaviour and not s.directive
    s = sentences("Add an abstraction layer over the exporters.")[1]
    assert s.imperative and s.directive


def test_making_something_easier_or_possible_states_behaviour() -> None:
    """"Make it easier to debug when X": what someone can then do, as "Add the ability to" is."""
    for text in ("Make it easier to debug when a provider's defaultValue is used by accident.",
                 "Make it possible for users to load their own ranking rules.", "Please make it much clearer to find the log."):  # fmt: skip
        s = sentences(text)[1]
        assert s.behaviour and not s.directive, text
    # making a part of the build so is still an order
    for text in ("Make the importer easier to test.", "Make it a Kafka consumer.", "Make it possible."):
        assert sentences(text)[1].imperative, text


def test_prose_above_a_bare_stack_trace_stays_prose() -> None:
    body = (
        "The broker client needs to be bumped to 2.1 to fix it.\nSadly we get this error:\n"
        "java.lang.NoSuchMethodError: a.b.C.d()\nat a.b.E.f(E.java:10)\nat a.b.G.h(G.java:20)\nat a.b.I.j(I.java:30)"
    )
    p = parse(Story(id="1", title="t", body=body))
    blocks = body_blocks(p, 10)
    assert blocks == [(PARAGRAPH, "The broker"), (CODE, "java.lang.")]
    assert any("bumped" in p.body[s.start : s.end] for s in p.sentences)


def test_expected_in_a_sentence_is_no_verdict() -> None:
    body = "* Package the server\n** Add the directory sync\n** Expected a README that ships with the server"
    p = parse(Story(id="1", title="t", body=body, body_format=BodyFormat.JIRA_WIKI))
    assert SEC_REPRO not in {b.section for b in p.blocks if b.kind == LIST_ITEM}


def test_the_teams_wish_to_be_able_to_use_a_tool_is_a_plan() -> None:
    s = sentences("For the nightly export we want to be able to use the scroll API to pull every result.")[1]
    assert s.plan and s.directive
    s = sentences("As a reader I want to be able to use the search box on every page.")[1]
    assert s.user_clause and not s.plan


def test_the_teams_need_of_a_tool_is_a_plan() -> None:
    s = sentences("We need a script that will move our data from the old store to the new one.")[1]
    assert s.plan
    s = sentences("We need a short break before the demo.")[1]
    assert not s.plan


def test_a_feature_request_templates_wish_is_no_proposal_section() -> None:
    from storylint.parse import SEC_OTHER, SEC_PROPOSAL, classify_section

    for heading in ("Describe the feature you want to add, and how it would change your usage of the app",
                    "Describe the feature you'd like", "Describe the solution you'd like"):  # fmt: skip
        assert classify_section(heading) == SEC_OTHER
    for heading in ("Proposed changes", "Implementation", "Technical approach", "Describe the feature's implementation",
                    "Describe the requested change"):  # fmt: skip
        assert classify_section(heading) == SEC_PROPOSAL


def test_a_reports_reproduction_heading_is_no_proposal_of_steps() -> None:
    """"Reproducible steps", "Reproduction steps", "Replication steps" head the report's steps,
    which the proposal's "steps" took: an environment line under them read as the team's plan."""
    from storylint.parse import SEC_PROPOSAL, SEC_REPRO, classify_section

    for heading in ("Reproducible Steps", "Reproduction steps", "Reproduction", "Replication steps",
                    "Recreation instructions", "Reproducible example"):  # fmt: skip
        assert classify_section(heading) == SEC_REPRO, heading
    for heading in ("Steps", "Implementation steps", "Next steps"):
        assert classify_section(heading) == SEC_PROPOSAL, heading
    assert classify_section("Replication locations") != SEC_REPRO  # a feature's own word
    story = Story(id="r", title="Pane stays blank", body="## Reproducible Steps\n\n1. Open the pane\n\nOS version: Windows_NT x64")
    assert [f.rule for f in Linter().lint(story).findings if f.category == "code_structure"] == []


def test_a_forms_question_about_the_reporters_own_attempt_heads_their_account() -> None:
    """"What are you really trying to do?" (a bug form's first question) was read as a "To do"
    list, a proposal: the reporter's own attempt under it ("Call X from Y and use Z ...",
    "I am trying to set `connectTimeout`") was flagged as an order to the team. It heads the
    reporter's account, as "Steps to reproduce" does; a fix they put forward there still directs."""
    from storylint.parse import SEC_PROBLEM, SEC_PROPOSAL, SEC_REPRO, classify_section

    for heading in ("What are you really trying to do?", "What are you trying to do?", "Describe what you are trying to do",
                    "What you're trying to do", "What did you do?"):  # fmt: skip
        assert classify_section(heading) == SEC_REPRO, heading
    for heading in ("To do", "Things to do", "What needs to be done"):
        assert classify_section(heading) == SEC_PROPOSAL, heading
    # a question for the problem the writer is trying to solve asks the why, not their attempt
    for heading in ("What problem are you trying to solve?", "Describe the problem you are trying to solve"):
        assert classify_section(heading) == SEC_PROBLEM, heading

    def code_findings(body: str) -> list[str]:
        story = Story(id="r", title="Type inference broken", body=body)
        return [f.rule for f in Linter().lint(story).findings if f.category == "code_structure"]

    q = "### What are you really trying to do?\n\n"
    assert code_findings(q + "Call an activity through `proxyActivities` and use the inferred return type.") == []
    assert code_findings(q + "I am trying to set a `connectTimeout` below the default.\n\n### Describe the bug\n\nIt is ignored.") == []
    # the same place, the reporter's fix: still the team's HOW
    assert "CS01" in code_findings(q + "Call it from a workflow.\n\nI suggest adding a `retryCount` field to the `ActivityOptions` class.")
    assert "CS01" in code_findings("### To do\n\nCall `proxyActivities` from the `runWorkflow` helper and cache the result.")


def test_a_line_that_opens_with_reproduce_and_ends_with_a_colon_heads_the_reproduction() -> None:
    """"Reproduce with the following:", "Repro:", "How to reproduce:", "Reproducible with:":
    the report's steps follow, as after "Steps to reproduce"; the list under it was read as
    the team's build plan (IS01) and its terms as orders."""
    steps = "1. Create a table on the Postgres backend and add three rows\n2. Call the export endpoint `/api/export`\n"
    for lead in ("Reproduce with the following:", "Reproduce by running these on a fresh install:", "How to reproduce:",
                 "Repro:", "Reproducible with:", "**Reproducing it:**", "To reproduce:"):  # fmt: skip
        body = f"The CSV export loses its last row.\n{lead}\n\n{steps}"
        p = parse(Story(id="r", title="Export of a table", body=body))
        assert [b.section for b in p.blocks if b.kind == LIST_ITEM] == [SEC_REPRO, SEC_REPRO], lead
        story = Story(id="r", title="Export of a table", body=body)
        assert [f.rule for f in Linter().lint(story).findings if f.category in HOW_CATEGORIES] == [], lead
    # a feature's own adjective, a list item and a line that does not introduce anything stay as they were
    for lead in ("Reproducible builds:", "Reproducibility:", "- Reproduce with:", "Reproduce the crash in a unit test"):
        p = parse(Story(id="r", title="t", body=f"{lead}\n\n{steps}"))
        assert SEC_REPRO not in [b.section for b in p.blocks if b.kind == LIST_ITEM], lead
    plan = "Reproducible builds:\n\n1. Pin the compiler version in the Dockerfile\n2. Create a lockfile for the npm packages\n"
    story = Story(id="b", title="Reproducible releases", body=plan)
    assert [f.rule for f in Linter().lint(story).findings if f.category in HOW_CATEGORIES] != []


def test_a_reproduce_line_that_plans_a_test_heads_no_reproduction() -> None:
    """"Reproduce the empty-file case in a unit test:" says where the team will reproduce it: the
    list under it is their plan, not a report's steps; "Reproduce with the following:", "To
    reproduce:" and "Reproduced in a unit test:" (done, reported) still head the reproduction."""
    steps = "1. Add a fixture with an empty CSV file to `tests/fixtures`\n2. Call `CsvImporter.load()` on it and assert it raises `EmptyFileError`\n"
    for lead in ("Reproduce the empty-file case in a unit test:", "Reproduce it with a failing test case:",
                 "Repro in an integration test:", "To reproduce it as a regression test:"):  # fmt: skip
        p = parse(Story(id="r", title="Empty CSV import", body=f"The importer stops on an empty file.\n{lead}\n\n{steps}"))
        assert SEC_REPRO not in [b.section for b in p.blocks if b.kind == LIST_ITEM], lead
    for lead in ("Reproduce with the following:", "To reproduce:", "Reproduced in a unit test:",
                 "Reproduce on the test server:"):  # fmt: skip
        p = parse(Story(id="r", title="Empty CSV import", body=f"The importer stops on an empty file.\n{lead}\n\n{steps}"))
        assert [b.section for b in p.blocks if b.kind == LIST_ITEM] == [SEC_REPRO, SEC_REPRO], lead
    body = f"The importer stops on an empty file.\nReproduce the empty-file case in a unit test:\n\n{steps}"
    story = Story(id="r", title="Empty CSV import", body=body)
    assert "IS01" in [f.rule for f in Linter().lint(story).findings if f.category in HOW_CATEGORIES]


def test_a_reproduction_lead_in_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A line that leads in a reproduction is asked whether it does once, not by each branch of
    the line's reading in turn (the fast path's, the heading's, the section's: three times);
    a bold line or a heading once too, its words past its marks ("h3. Reproducible with:")."""
    import storylint.parse as parse_module

    calls = count_calls(monkeypatch, parse_module, "_repro_lead")
    for lead, fmt in (("Reproducible with:", BodyFormat.MARKDOWN), ("Reproduce with the following:", BodyFormat.MARKDOWN),
                      ("**Reproducible with:**", BodyFormat.MARKDOWN), ("h3. Reproducible with:", BodyFormat.JIRA_WIKI)):  # fmt: skip
        calls.clear()
        p = parse(Story(id="r", title="Export crashes", body=f"{lead}\n\n1. Open a project\n2. Export it", body_format=fmt))
        assert [b.section for b in p.blocks if b.kind == LIST_ITEM] == [SEC_REPRO, SEC_REPRO], lead
        assert len(calls) == 1, (lead, calls)


def test_a_reproduce_heading_that_plans_a_test_heads_no_reproduction() -> None:
    """Bold or as a heading, "Repro in an integration test:" still says where the team will
    reproduce it (its section words said "repro"); "**Steps to reproduce:**", "## Repro" and
    "h3. Reproduced in a unit test" (done, reported) still head the reproduction."""
    steps = "1. Add a fixture with an empty CSV file to `tests/fixtures`\n2. Call `CsvImporter.load()` on it and assert it raises `EmptyFileError`\n"
    wiki_steps = "# Add a fixture with an empty CSV file\n# Call CsvImporter.load() on it\n"
    for lead, fmt in (("**Repro in an integration test:**", BodyFormat.MARKDOWN),
                      ("__Reproduce it with a failing test case:__", BodyFormat.MARKDOWN),
                      ("## Reproduce the empty-file case in a unit test", BodyFormat.MARKDOWN),
                      ("h3. Reproduce in a unit test", BodyFormat.JIRA_WIKI)):  # fmt: skip
        body = f"The importer stops on an empty file.\n{lead}\n\n{wiki_steps if fmt == BodyFormat.JIRA_WIKI else steps}"
        p = parse(Story(id="r", title="Empty CSV import", body=body, body_format=fmt))
        assert [b.section for b in p.blocks if b.kind == LIST_ITEM] == [SEC_OTHER, SEC_OTHER], lead
    for lead, fmt in (("**Steps to reproduce:**", BodyFormat.MARKDOWN), ("## Repro", BodyFormat.MARKDOWN),
                      ("**Reproduce on the test server:**", BodyFormat.MARKDOWN),
                      ("h3. Reproduced in a unit test", BodyFormat.JIRA_WIKI)):  # fmt: skip
        body = f"The importer stops on an empty file.\n{lead}\n\n{wiki_steps if fmt == BodyFormat.JIRA_WIKI else steps}"
        p = parse(Story(id="r", title="Empty CSV import", body=body, body_format=fmt))
        assert [b.section for b in p.blocks if b.kind == LIST_ITEM] == [SEC_REPRO, SEC_REPRO], lead


def test_jira_wiki_framing_macros_are_masked() -> None:
    """A panel's or colour's parameters style the text; the text inside them is read."""
    body = "{panel:bgColor=#e7f4fa|title=Note}\nThe export keeps {color:red}every{color} row.\n{panel}\n{code:sql}\nSELECT 1\n{code}"
    p = parse(Story(id="1", title="t", body=body, body_format=BodyFormat.JIRA_WIKI))
    assert len(p.masked_body) == len(p.body)
    assert "bgColor" not in p.masked_body and "{color" not in p.masked_body and "{panel}" not in p.masked_body
    assert "The export keeps" in p.masked_body and "every" in p.masked_body
    assert "{code:sql}" in p.masked_body  # code blocks are the parser's, not masked away


def test_jira_wiki_macros_are_masked_only_in_jira_wiki() -> None:
    body = "The {status} placeholder and {color: red} stay in a Markdown body."
    assert parse(Story(id="1", title="t", body=body)).masked_body == body


_HTML_MARKUP_BODY = """<p align="center">
<img width="1080" height="2400" alt="Screenshot_20240101" src="https://example.com/shot.png">
</p>

The list ends early.<br>Press <kbd>Ctrl</kbd>+S to save.

<details open>
<summary>Steps</summary>

1. Open the <b>reader</b> list
</details>

A List<String> is sorted; a <b and c> d; the <button> element.
Use `<div class="grid">` here.

```html
<div class="row" style="width: 300px"></div>
```
"""


def test_html_markup_in_a_markdown_body_is_masked() -> None:
    """A tag's name and attributes are markup (a screenshot's "width=1080", a form's
    `<details>`); the words between tags are the writer's, and code is code."""
    p = parse(Story(id="1", title="<summary> is cut off", body=_HTML_MARKUP_BODY))
    assert len(p.masked_body) == len(p.body) and p.masked_body.count("\n") == p.body.count("\n")
    for gone in ("<p", "align", "<img", "width=", "Screenshot_", "</p>", "<br>", "<kbd>", "</kbd>", "<details",
                 "<summary>", "</summary>", "<b>", "</b>", "</details>"):  # fmt: skip
        assert gone not in p.masked_body, gone
    for kept in ("The list ends early.", "Ctrl", "+S to save.", "Steps", "reader", "List<String>", "<b and c>",
                 "<button>", '`<div class="grid">`', '<div class="row" style="width: 300px"></div>'):  # fmt: skip
        assert kept in p.masked_body, kept
    assert p.masked_title == p.title  # a title is not rendered: "<summary>" there is a word
    # the words keep their places: offsets into the masked copy are offsets into the text
    at = p.body.index("Ctrl")
    assert p.masked_body[at : at + 4] == "Ctrl"
    texts = [" ".join(p.masked_body[s.start : s.end].split()) for s in p.sentences if s.field == "body"]
    assert "The list ends early." in texts and "Steps" in texts and "Open the reader list" in texts


def test_a_stray_backtick_pairs_nothing_in_the_next_paragraph() -> None:
    """A code span ends with its paragraph, as the parser pairs one: a lone backtick above does
    not make the next paragraph's real span the gap between two spans, whose tags were masked."""
    p = parse(Story(id="1", title="t", body="Para one has a ` stray.\n\nPara two `<br>` and `<b>Kafka</b>` here, <b>bold</b>."))
    assert "`<br>`" in p.masked_body and "`<b>Kafka</b>`" in p.masked_body and "<b>bold" not in p.masked_body
    assert [p.body[c.start : c.end] for c in p.code_spans] == ["<br>", "<b>Kafka</b>"]


def test_html_markup_is_masked_only_in_markdown() -> None:
    """Jira wiki has no HTML: its "<" is a comparison or a generic; a body read from HTML keeps
    the "<b>" its writer escaped as text."""
    body = "Keep List<String> sorted when a <b>count</b> is <p align=center> here."
    for fmt in (BodyFormat.JIRA_WIKI, BodyFormat.PLAIN):
        p = parse(Story(id="1", title="t", body=body, body_format=fmt))
        assert p.masked_body == p.body, fmt
    p = parse(Story(id="1", title="t", body="<p>Keep the &lt;b&gt; tag.</p><p>It is &lt;b&gt;bold&lt;/b&gt;.</p>",
                    body_format=BodyFormat.HTML))  # fmt: skip
    assert "<b>" in p.masked_body


_ENV_DUMP_BODY = """## Steps

1. Open the preview pane.
2. The pane should use `renderQueue` for each image.

<details>
<summary>System Info</summary>

|Item|Value|
|---|---|
|GPU Status|gpu_compositing: enabled<br>raw_draw: disabled_off_ok<br>webgl: enabled|
|Memory (System)|15.71GB (5.70GB free)|
</details><details><summary>Extensions (3)</summary>

Extension|Author|Version
---|---|---
vscode-eslint|dba|2.4.2
python|ms-|2023.16.0
</details>

We should cache the thumbnails in `thumbCache` so the pane scrolls smoothly.
"""


def test_a_details_block_summarised_as_the_environment_is_a_repro_section() -> None:
    """An issue form folds the reporter's system info, extensions or logs into `<details>`
    under a summary that names them: its keys ("gpu_compositing") and extensions ("eslint")
    are what the reporter runs, not code or tools the story orders. The fold ends at
    `</details>`: what follows is back in the section around it."""
    linter = Linter(Config())
    p = parse(Story(id="1", title="t", body=_ENV_DUMP_BODY))
    folds = [b for b in p.blocks if b.kind == HEADING and b.heading in ("System Info", "Extensions (3)")]
    assert [b.section for b in folds] == [SEC_REPRO, SEC_REPRO]
    inside = [b for b in p.blocks if b.start > folds[0].start and b.end < p.body.index("We should")]
    assert inside and all(b.section == SEC_REPRO for b in inside)
    last = next(b for b in p.blocks if p.body[b.start : b.end].startswith("We should"))
    assert last.section == SEC_PROPOSAL and last.heading == "Steps"
    terms = [f.message for f in linter.lint(Story(id="1", title="t", body=_ENV_DUMP_BODY)).findings
             if f.category in HOW_CATEGORIES]  # fmt: skip
    assert any("renderQueue" in t for t in terms) and any("thumbCache" in t for t in terms)  # the story's own
    assert not any(w in t for t in terms for w in ("gpu_compositing", "disabled_off_ok", "eslint", "webgl")), terms
    # a summary that names no environment ("Click to expand", "Proposal") leaves the section be
    other = _ENV_DUMP_BODY.replace("System Info", "Click to expand").replace("Extensions (3)", "More")
    assert all(b.section == SEC_PROPOSAL for b in parse(Story(id="1", title="t", body=other)).blocks[1:])
    # (a Jira wiki body has no HTML: its "<summary>" is text)
    wiki = parse(Story(id="1", title="t", body=_ENV_DUMP_BODY, body_format=BodyFormat.JIRA_WIKI))
    assert not any(b.heading == "System Info" for b in wiki.blocks)


def test_a_summary_on_lines_of_its_own_or_in_any_case_folds_the_environment() -> None:
    """"<summary>" with its words on the next line, or spelled "<Summary>", "<SUMMARY>" or in
    mixed case, titles the fold as the one-line lower-case form does; the words are the heading,
    not a paragraph of the section around the fold."""
    for opening in ("<summary>\nSystem Info\n</summary>", "<summary>System Info\n</summary>",
                    "<summary>\n  System Info</summary>", "<SuMmArY>System Info</sUmMaRy>"):  # fmt: skip
        body = _ENV_DUMP_BODY.replace("<summary>System Info</summary>", opening)
        p = parse(Story(id="1", title="t", body=body))
        fold = [b for b in p.blocks if b.kind == HEADING and b.heading == "System Info"]
        assert [b.section for b in fold] == [SEC_REPRO], opening
        assert not any(b.kind == PARAGRAPH and "System Info" in p.body[b.start : b.end] for b in p.blocks), opening
        table = next(b for b in p.blocks if "GPU Status" in p.body[b.start : b.end])
        assert table.section == SEC_REPRO, opening
        last = next(b for b in p.blocks if p.body[b.start : b.end].startswith("We should"))
        assert last.section == SEC_PROPOSAL, opening
    # a summary naming no environment, on lines of its own, leaves the section be
    other = _ENV_DUMP_BODY.replace("<summary>System Info</summary>", "<summary>\nClick to expand\n</summary>")
    p = parse(Story(id="1", title="t", body=other))
    assert next(b for b in p.blocks if "GPU Status" in p.body[b.start : b.end]).section == SEC_PROPOSAL


def test_an_environment_label_alone_on_its_line_heads_the_reporters_details() -> None:
    """"Environment:", "Version info:", "System info:" alone on a line head the details below as
    "## Environment" does: what the reporter runs, not what the story orders. Not "Environment
    setup", which may be the team's work, nor a label with its details on the same line."""
    details = "Install the app with `helm install shop ./chart` on Kubernetes 1.27"
    linter = Linter(Config(min_confidence=0))
    for label in ("Environment:", "Version info:", "System info:", "Environment details", "Versions:", "ENVIRONMENT:"):
        body = f"Users are logged out after five minutes.\n\n{label}\n{details}\n"
        p = parse(Story(id="1", title="Keep users signed in", body=body))
        assert [(b.kind, b.section) for b in p.blocks[2:]] == [(HEADING, SEC_REPRO), (PARAGRAPH, SEC_REPRO)], label
        found = linter.lint(Story(id="1", title="Keep users signed in", body=body)).findings
        assert not [f for f in found if f.category in HOW_CATEGORIES], label
    for line in ("Environment setup:", f"Environment: {details}"):
        p = parse(Story(id="1", title="t", body=f"Users are logged out.\n\n{line}\n{details}\n"))
        assert not any(b.kind == HEADING for b in p.blocks), line


def test_a_stated_fix_directs_the_build() -> None:
    """'The fix is to ...', 'fix this by ...ing' propose the build; what was tried, or a fix
    that works, does not."""
    directs = ["The fix is probably to cast after the minimum is taken.",
               "A simple fix would be increasing the polling interval.",
               "We should fix this by making the scheduler retry."]  # fmt: skip
    for text in directs:
        assert sentences(text)[1].states_fix and sentences(text)[1].directive, text
    for text in ("I tried fixing it by using another key space, to no avail.", "The fix is working now.",
                 "A fix would be nice.", "The solution is unclear."):
        assert not sentences(text)[1].states_fix, text


def test_literal_line_breaks_of_an_export_are_the_bodys_lines() -> None:
    """A CSV cell of JSON text keeps breaks as the two characters backslash-n."""
    p = parse(Story(id="1", title="t", body=r"Acceptance criteria:\n- The export lists every refund\n- Totals match the ledger\r\n- Each row has a date"))
    items = [b for b in p.blocks if b.kind == LIST_ITEM]
    assert len(items) == 3 and all(b.section == SEC_AC for b in items)
    assert "\\" not in p.body


def test_a_backslash_n_in_code_is_no_line_break() -> None:
    body = "Steps:\n1. Run `print(s.split('\\n'))`\n2. It prints one line\n\\n and \\n"
    assert parse(Story(id="1", title="t", body=body)).body == body
    code = r"The call `printf(\"a\nb\nc\n\")` prints three lines."
    assert parse(Story(id="1", title="t", body=code)).body == code
    few = r"The label shows \n literally instead of a new line."
    assert parse(Story(id="1", title="t", body=few)).body == few


def test_an_html_body_is_read_as_the_markdown_it_stands_for() -> None:
    """A Jira XML export or rendered field: paragraphs, items, headings and code come through."""
    body = (
        "<h2>Acceptance criteria</h2>\n<ul>\n<li>The export lists every refund</li>\n<li>Totals match &amp; add up</li>\n</ul>\n"
        "<pre>\nSELECT *\n  FROM refunds;\n</pre>\n<p>See <a href=\"https://example.com\">the spec</a>.</p>"
    )
    for fmt in (BodyFormat.HTML, BodyFormat.MARKDOWN):  # declared, or recognised
        p = parse(Story(id="1", title="t", body=body, body_format=fmt))
        items = [b for b in p.blocks if b.kind == LIST_ITEM]
        assert len(items) == 2 and all(b.section == SEC_AC for b in items)
        assert any(b.kind == CODE for b in p.blocks) and "FROM refunds;" in p.body
        assert "Totals match & add up" in p.body and "<" not in p.body


def test_markdown_with_a_few_tags_keeps_its_lines() -> None:
    body = "<h3><details><summary>Reporter</summary></details></h3>\n\n## Description\n\n- Add a column\n- Drop the cache"
    assert parse(Story(id="1", title="t", body=body)).body == body
    story = "**As a** developer <br>**I want to** export my data\n\n<p>so that I can archive it</p>"
    assert parse(Story(id="1", title="t", body=story)).body == story


def test_a_prefixed_verb_with_a_hyphen_is_an_order() -> None:
    """"Re-use X", "Un-pin Y": the prefix and the verb, not a compound name like "Parse-tika"."""
    for title, verb in (("Re-use the launch settings", "reuse"), ("Un-pin the version of the build tool", "unpin"),
                        ("Re-enable the linter in the build", "enable")):
        s = sentences("", title=title)[0]
        assert s.imperative and s.verb == verb, title
    for title in ("Re-design of the settings page", "Re-use of the launch settings", "Pre-build hooks are ignored",
                  "Un-read badge on the inbox"):
        assert not sentences("", title=title)[0].imperative, title


def test_a_pipe_before_a_capital_separates_fields_a_shell_pipe_does_not() -> None:
    """"Industry: Finance | Run the training script" is two fields, the second an order;
    "grep x | sort" and a stream's "time | log" stay one sentence."""
    parts = [s.text.strip() for s in sentences("Industry: Finance | Models: two | Run the training script on the GPU.") if s.field == "body"]
    assert parts == ["Industry: Finance", "Models: two", "Run the training script on the GPU."]
    assert sentences("Industry: Finance | Run the training script on the GPU.")[-1].imperative
    assert len([s for s in sentences("Pipe it through grep x | sort -u and keep the rest.") if s.field == "body"]) == 1
    assert len([s for s in sentences('Create the stream "time | log" and deploy it.') if s.field == "body"]) == 1
    # names listed with pipes, and PowerShell's capitalised commands, stay one sentence
    assert len([s for s in sentences("The service must use Redis | Kafka | PostgreSQL.") if s.field == "body"]) == 1
    assert len([s for s in sentences("Run Get-ChildItem | Where-Object Size -gt 30 | Remove-Item nightly.") if s.field == "body"]) == 1


def test_a_named_roles_ability_is_a_capability_but_not_a_users_want() -> None:
    """"Admins can ..." is observable behaviour (a criteria checklist counts it); only the
    user's own "Users can ..." is also read as a want, whose words order nothing."""
    admin = sentences("- Guests should be able to call `cancelBooking()` in the contract")[-1]
    assert admin.capability and not admin.user_clause
    user = sentences("- Users should be able to cancel a booking")[-1]
    assert user.capability and user.user_clause


def test_an_abbreviation_dot_does_not_end_the_sentence() -> None:
    """"(e.g. AWS CloudWatch)" belongs to the plan it exemplifies; a real full stop still ends one."""
    found = sentences("We need to set up a cloud monitoring system (e.g. AWS CloudWatch) to watch the site. It is down a lot.")
    assert [s.text.strip()[:9] for s in found[1:]] == ["We need t", "It is dow"]
    assert found[1].plan and "CloudWatch" in found[1].text
    for abbreviation in ("i.e.", "vs.", "cf.", "E.g."):
        assert len(sentences(f"Store the totals ({abbreviation} the sums) every night.")) == 2, abbreviation


@pytest.mark.parametrize(
    ("body", "first"),
    [
        ('Spring has an issue for it:\n"Create a Redis-backed store" See: https://example.org/INT-1', '"Create a Redis-backed store"'),
        ('The hint says "Applicable to all languages." Which ones are tested', 'The hint says "Applicable to all languages."'),
        ('The ticket reads "Move the jobs to Kafka!" The team agreed', 'The ticket reads "Move the jobs to Kafka!"'),
        ('The linked issue: "Create a Redis-backed store"  Then the old one closes', 'The linked issue: "Create a Redis-backed store"'),
        ('The linked issue: "Create a Redis-backed store"\tThen the old one closes', 'The linked issue: "Create a Redis-backed store"'),
    ],
)
def test_a_sentence_ends_after_a_closing_quote_before_the_next(body: str, first: str) -> None:
    """A quoted sentence that ends inside its quote, a line break flattened to two spaces, or a
    label after the quote ("See:") ends the sentence there, as it would without the quote."""
    found = [s.text.strip() for s in sentences(body) if s.field == "body"]
    assert first in found and found[-1] != first, found
    if first.startswith('"Create'):  # read as what it says, as a quoted sentence alone on its line is
        assert next(s for s in sentences(body) if s.text.strip() == first).imperative


@pytest.mark.parametrize(
    "body",
    [
        'Click the "Save" Button to keep the draft.',  # a quoted name before its noun
        '"Move Plans" Dialog should not show the jobs.',
        'The "Maven 2" Builder has only one agent.',
        'The log has {"msg":"  File missing"} on each start.',  # an opening quote
        'The hint says "applicable to all." which is wrong.',
    ],
)
def test_a_closing_quote_before_a_word_of_the_same_sentence_ends_nothing(body: str) -> None:
    assert len([s for s in sentences(body) if s.field == "body"]) == 1, body


def test_a_proposal_put_as_a_question_is_a_plan() -> None:
    """"Can we ...?", "What about if ...", "Why not use ...?" propose the build; a question about a
    case ("What about existing data?") or the product ("Is it possible to export?") asks."""
    for body in ("Can we also use the same function to notify the patient by SMS?",
                 "What about if the users table is extended with an auto_approve attribute.",
                 "Why not store the drafts in the browser?", "Could we move the parser into its own module?"):  # fmt: skip
        s = sentences(body)[-1]
        assert s.plan and not s.asks, body
    for body in ("What about existing data?", "Is it possible to export the report?", "How about the mobile app?",
                 "How can we reproduce this?", "Can we get an update on this?", "Should we close this issue?",
                 "When the import fails, can we lose data?", "Could we be missing an index?"):  # fmt: skip
        assert not sentences(body)[-1].plan, body


@pytest.mark.parametrize(
    "title",
    [
        "Is there a way to free the model's memory when using Python",
        "How to keep the sessions stored in Redis",
        "how do I export the report as a PDF",
        "[Question] Why does the import lock the orders table",
        "Docs: what is the difference between drafts and templates",
        "Does the export support Kafka topics",
        "Should the nightly job write to S3",
        "Any way to cache the thumbnails",
    ],
)
def test_a_title_that_opens_as_a_question_asks_without_its_mark(title: str) -> None:
    """Titles often drop the "?": they are read as the question with its mark is."""
    with_mark, without = sentences("", title + "?")[0], sentences("", title)[0]
    assert with_mark.asks and without.asks, title
    assert not (without.imperative or without.modal or without.plan)


@pytest.mark.parametrize(
    "title",
    [
        "Can we keep the sessions stored in Redis",  # a proposal put as a question, as with its mark
        "Why not store the drafts in the browser",
        "Do not keep the sessions in Redis",  # an order
        "Do the export nightly with a cron job",
        "Does not start when the cache uses Redis",  # a bug's symptom
        "Can't save the report to S3",
        "What's New dialog shows the Redis version",  # a name
        "is-true validator rejects strings",
        "Store the sessions in Redis",
    ],
)
def test_a_title_that_opens_as_an_order_a_proposal_or_a_name_does_not_ask(title: str) -> None:
    assert not sentences("", title)[0].asks, title


def test_only_a_titles_first_sentence_opens_it_as_a_question() -> None:
    s = sentences("", 'Wrong label in the form "launching ... " is shown on start')
    assert not any(x.asks for x in s)
    assert not sentences("The import fails.\n\nHow to keep the sessions stored in Redis")[-1].asks  # the body: the mark decides


def test_an_option_or_a_fix_put_forward_is_a_plan() -> None:
    """"One option is to use X", "resolve problem by cloning X", "This can maybe be fixed by
    adding Y" propose the build; "The option is greyed out" states what is there."""
    for body in ("One option is to use Collections.unmodifiableList", "resolve problem by cloning the writer's method.",
                 "This can maybe be fixed by adding buttons in each date cell."):  # fmt: skip
        assert sentences(body)[-1].plan, body
    for body in ("The option is greyed out after a restart.", "Another way is missing from the menu.",
                 "The only way is to restart the server.", "It can only be resolved by restarting the brokers."):  # fmt: skip
        assert not sentences(body)[-1].plan, body
    assert sentences("It could be addressed by adding a cache.")[-1].plan


def _applies_by_properties(check: Any, s: Any) -> bool:
    """`Check.sentence_applies` as written with the sentence's properties (what it reads from
    the flags at once must give the same answer)."""
    if (s.section in check.skip_sections and not (s.section == SEC_REPRO and s.puts_fix_forward)) or s.asks:
        return False  # (a writer's proposal under a form's reproduction heading still counts)
    if check.category in ("code_structure", "api_contract") and s.docs_work:
        return False
    if s.optional and check.category in HOW_CATEGORIES:
        return False  # an item marked optional dictates no HOW (a criterion still counts as one)
    if s.user_clause and not s.system_want:
        if check.user_clause == "skip" or (check.user_clause == "technical-role" and not s.technical_role):
            return False
        if check.user_clause == "allow":
            return True
    return {
        "any": True,
        "directive-or-title": s.directive or s.field == "title",
        "strong-directive": s.directive and (s.imperative or s.plan),
        "requirement": s.requirement,
        "instruction": s.imperative or s.behaviour or s.plan or s.section == SEC_PROPOSAL,
        "directive": s.directive,
    }[check.context]


def test_a_rule_applies_to_a_sentence_as_its_properties_say() -> None:
    from storylint.checks.base import _NAMES_CODE
    from storylint.config import config_from_dict
    from storylint.engine import Linter
    from storylint.model import Story
    from tests.stories import case_stories

    assert set(_NAMES_CODE) == {"code_structure", "api_contract"}
    linter = Linter(config_from_dict({"select": ["ALL"]}, source="test"))
    checks = [r.check for r in linter.rules if not r.check.idle]
    contexts = {c.context for c in checks}
    assert contexts >= {"any", "directive", "requirement", "instruction"}, contexts
    told = 0
    for row in case_stories(copies=1):
        for s in analyse(parse(Story.model_validate(row))).sentences:
            for check in checks:
                assert check.sentence_applies(s) == _applies_by_properties(check, s), (check.context, s.text)
                told += 1
    assert told > 10_000


@pytest.mark.parametrize("label", ["Done when:", "Done if:", "This task is considered done if:", "*The story is complete when:*"])
def test_a_done_label_heads_the_criteria(label: str) -> None:
    p = parse(Story(id="1", title="Code pane feedback", body=f"{label}\n- Twenty users gave feedback on the pane\n- The findings are shared"))
    assert [b.section for b in p.blocks if b.kind == "list_item"] == [SEC_AC, SEC_AC], label


def test_a_sentence_about_being_done_heads_nothing() -> None:
    p = parse(Story(id="1", title="Release", body="The release is done if the build passes.\n- Tag the build\n- Publish it"))
    assert SEC_AC not in {b.section for b in p.blocks}


def test_a_heading_that_only_mentions_being_complete_heads_no_criteria() -> None:
    """"Done if", "complete when" head criteria when they open the heading, not in its prose."""
    for heading in ("## What to do if the upload is complete when the network drops", "**Notify when done if possible**"):
        p = parse(Story(id="1", title="Uploads", body=f"{heading}\n- Retry the upload\n- Show a banner"))
        assert SEC_AC not in {b.section for b in p.blocks if b.kind == "list_item"}, heading
    p = parse(Story(id="1", title="Uploads", body="## The story is complete when\n- Uploads resume\n- A banner shows"))
    assert [b.section for b in p.blocks if b.kind == "list_item"] == [SEC_AC, SEC_AC]


@pytest.mark.parametrize(
    "item",
    ["Optional: add radio buttons for the layout", "(optional) cache the thumbnails in Redis",
     "- [Optional] trust the custom CA in the CLI", "Optionally, keep the exports in S3",
     "Nice to have: cache the thumbnails in Redis", "Stretch goal: move the queue to Kafka"],
)  # fmt: skip
def test_an_item_marked_optional_is_left_to_the_team(item: str) -> None:
    assert sentences(f"Show each photo's thumbnail.\n\n{item}")[-1].optional


@pytest.mark.parametrize(
    "text",
    ["Optional fields should be stored as nullable columns", "Add an optional column for the discount",
     "Make the Redis cache optional: some installs have none", "Options: cache the thumbnails in Redis"],
)  # fmt: skip
def test_optional_as_a_word_of_the_sentence_marks_nothing(text: str) -> None:
    assert not sentences(f"Show each photo's thumbnail.\n\n{text}")[-1].optional
