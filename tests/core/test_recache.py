"""The compiled-pattern cache gives `re.compile`'s own patterns, and never fails a run."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from storylint import lazyre, recache
from storylint.languages import phrases

# patterns with what a cache could get wrong: groups by name and number, flags set inline
# and by argument, a character class beyond the BMP, a lone surrogate, look-arounds
SAMPLES: list[tuple[str, int]] = [
    (r"(?P<word>\b\w+\b)\s+(?P=word)", 0),
    (r"(?i)so that (?:i|we) can\b", 0),
    (r"^\s*(?:given|when|then)\b", re.IGNORECASE | re.MULTILINE),
    (r"[\U0001F300-\U0001FAFF]+|[\ud800-\udfff]", 0),
    ("\ud83d", 0),
    (r"(?<!\w)(a)(b)?(?=c)", re.DOTALL),
    (r"caf\u00e9|na\u00efve", re.ASCII | re.IGNORECASE),
]


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A cache folder of the test's own and the module as a new process has it."""
    monkeypatch.delenv("STORYLINT_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    _new_process(monkeypatch)
    return tmp_path / "storylint"


def _new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recache, "_memo", {})
    monkeypatch.setattr(recache, "_stored", None)
    monkeypatch.setattr(recache, "_used", {})
    monkeypatch.setattr(recache, "_new", False)


def _cache_file(folder: Path) -> Path:
    files = list(folder.glob("re-*.json"))
    assert len(files) == 1, files
    return files[0]


def test_a_pattern_read_back_equals_the_one_re_compiles(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `==` on patterns compares their text, flags and compiled program
    made = [recache.compile(p, f) for p, f in SAMPLES]
    assert made == [re.compile(p, f) for p, f in SAMPLES]
    recache.save()
    stored = json.loads(_cache_file(fresh).read_text("ascii"))
    assert len(stored) == len(SAMPLES)

    _new_process(monkeypatch)
    read_back = [recache.compile(p, f) for p, f in SAMPLES]
    assert read_back == [re.compile(p, f) for p, f in SAMPLES]
    assert recache._new is False  # all came from the file
    assert read_back[0].groupindex == {"word": 1}
    assert read_back[0].search("it is is so").group("word") == "is"
    assert read_back[4].search("x\ud83dy") is not None


def test_every_module_pattern_of_the_package_reads_back_the_same(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import storylint.analysis
    import storylint.calibration
    import storylint.checks.structure
    import storylint.parse  # noqa: F401 - their module patterns

    sources = sorted({(rx.pattern, rx._flags) for rx in lazyre.made()})
    assert len(sources) > 100
    for pattern, flags in sources:
        recache.compile(pattern, flags)
    recache.save()
    _new_process(monkeypatch)
    for pattern, flags in sources:
        assert recache.compile(pattern, flags) == re.compile(pattern, flags), pattern
    assert recache._new is False


def test_a_bad_pattern_is_re_s_error(fresh: Path) -> None:
    with pytest.raises(re.error, match="missing \\)"):
        recache.compile("(unclosed")


@pytest.mark.parametrize(
    "damage",
    [
        b"not json",
        b"[1, 2]",
        # entries of the wrong shape, a program that is not base64, a program _sre refuses
        json.dumps({"0:ab+c": [0], "0:x(y)": "nope"}).encode(),
        json.dumps({"0:ab+c": [32, "!!", 0, {}, [None]]}).encode(),
        json.dumps({"0:ab+c": [32, "AAAAAAAAAAA=", 0, {}, [None]]}).encode(),
    ],
)
def test_a_damaged_file_is_compiled_anew_and_replaced(
    fresh: Path, monkeypatch: pytest.MonkeyPatch, damage: bytes
) -> None:
    fresh.mkdir(parents=True)
    path = recache._path()
    assert path is not None
    path.write_bytes(damage)
    assert recache.compile("ab+c") == re.compile("ab+c")
    assert recache.compile("x(y)") == re.compile("x(y)")
    recache.save()
    _new_process(monkeypatch)
    assert recache.compile("ab+c") == re.compile("ab+c")
    assert recache._new is False  # the damaged entry was replaced by a good one


def _saved_sentence_end(fresh: Path) -> tuple[Path, dict[str, list[object]], str]:
    from storylint.parse import _SENTENCE_END_RE

    pattern = _SENTENCE_END_RE.pattern
    recache.compile(pattern)
    recache.save()
    path = _cache_file(fresh)
    return path, json.loads(path.read_text("ascii")), f"0:{pattern}"


def test_an_entry_changed_in_one_word_is_compiled_anew_not_run(fresh: Path) -> None:
    # a program changed in one word passed _sre's check and crashed the interpreter (SIGSEGV):
    # the digest ties a program to its pattern, so the change is seen and the entry replaced
    import base64
    from array import array

    path, data, name = _saved_sentence_end(fresh)
    code = array("I", base64.b64decode(data[name][1]))
    code[9] = 0  # a jump's length: _sre accepts the program, then reads past it (SIGSEGV)
    data[name][1] = base64.b64encode(code.tobytes()).decode("ascii")
    path.write_text(json.dumps(data), "ascii")
    probe = (
        "import re; from storylint import recache; from storylint.parse import _SENTENCE_END_RE as rx\n"
        "print(recache.compile(rx.pattern) == re.compile(rx.pattern), recache._new)"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(fresh.parent)}
    env.pop("STORYLINT_NO_CACHE", None)
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60, check=False)
    assert (run.returncode, run.stdout.split()) == (0, ["True", "True"]), run.stderr


def test_an_entry_claiming_more_groups_than_its_pattern_has_is_refused(
    fresh: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 10**8 groups passed _sre's check and made each match allocate gigabytes
    path, data, name = _saved_sentence_end(fresh)
    entry = data[name]
    entry[2], entry[4] = 10**8, [None] * 3
    entry[5] = recache._digest(name, entry)  # even with a digest that fits the change
    path.write_text(json.dumps(data), "ascii")
    _new_process(monkeypatch)
    from storylint.parse import _SENTENCE_END_RE

    assert recache.compile(_SENTENCE_END_RE.pattern) == re.compile(_SENTENCE_END_RE.pattern)
    assert recache._new is True  # compiled anew


def test_a_file_nested_past_the_stack_is_ignored(fresh: Path) -> None:
    fresh.mkdir(parents=True)
    path = recache._path()
    assert path is not None
    path.write_text("[" * 200_000 + "]" * 200_000, "ascii")
    assert recache.compile("ab+c") == re.compile("ab+c")


def test_a_file_past_the_limit_keeps_one_run(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recache, "_LIMIT", 3)
    for n in range(3):
        recache.compile(f"a{n}")
    recache.save()
    assert len(json.loads(_cache_file(fresh).read_text("ascii"))) == 3
    _new_process(monkeypatch)
    recache.compile("a0")
    recache.compile("b")  # one more would make four
    recache.save()
    assert sorted(json.loads(_cache_file(fresh).read_text("ascii"))) == ["0:a0", "0:b"]


def test_no_cache_folder_when_caching_is_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("STORYLINT_NO_CACHE", "1")
    _new_process(monkeypatch)
    assert recache.compile("ab+c") == re.compile("ab+c")
    recache.save()
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_folder_never_fails_the_save(fresh: Path) -> None:
    fresh.parent.mkdir(parents=True, exist_ok=True)
    fresh.write_text("a file where the folder should be")
    recache.compile("ab+c")
    recache.save()  # no exception
    assert fresh.read_text() == "a file where the folder should be"


def _check(tmp: Path, story: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "STORYLINT_NO_CACHE"}
    environ.update(XDG_CACHE_HOME=str(tmp), **env)
    return subprocess.run(
        [sys.executable, "-m", "storylint", "check", "--format", "json", "--fail-on", "never", str(story)],
        capture_output=True, text=True, check=True, env=environ,
    )  # fmt: skip


def test_the_command_line_keeps_its_patterns_for_the_next_run(tmp_path: Path) -> None:
    story = tmp_path / "s.jsonl"
    story.write_text(json.dumps({"id": "S-1", "title": "Store sessions in Redis",
                                 "body": "As a user I want to stay signed in so that I do not lose my cart. "
                                         "Add a sessions table with user_id and expires_at."}) + "\n")  # fmt: skip
    first = _check(tmp_path / "cache", story, PYTHONHASHSEED="1")
    path = _cache_file(tmp_path / "cache" / "storylint")
    kept = path.read_bytes()
    assert len(json.loads(kept)) > 20
    # another process, another string hashing: the same patterns, nothing new to write
    second = _check(tmp_path / "cache", story, PYTHONHASHSEED="2")
    assert second.stdout == first.stdout
    assert path.read_bytes() == kept
    assert json.loads(first.stdout)["findings"]


def test_phrases_are_the_same_text_whatever_the_set_order() -> None:
    words = ["ab", "cd", "ef", "abc", "gh", "ij"]
    assert phrases(words) == phrases(list(reversed(words))) == "abc|ab|cd|ef|gh|ij"
