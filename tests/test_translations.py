"""Issue 11, Spanish everywhere: the catalogue is complete and every word of every template is marked.

- The Spanish catalogue (locale/es/LC_MESSAGES/django.po) holds every message of the code, translated, none
  fuzzy, none obsolete, with the same placeholders as its English (GNU gettext's makemessages and msgfmt).
- No template under templates/ has words outside translation tags, in its text or in the attributes people read
  or hear (alt, title, aria-label, placeholder, a submit or button's value, the meta description).

Run one template's check: `pytest tests/test_translations.py -k "template and facility_search"`.
How to mark text and update the catalogue: docs/translation.md.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template.base import DebugLexer, TokenType

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
CATALOGUE = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
# As `make messages` runs it (Makefile), but keeping obsolete entries so that they can be reported.
MAKEMESSAGES = [
    "makemessages", "-l", "es", "--no-location", "--no-wrap",
    "-i", ".venv/*", "-i", "node_modules/*", "-i", "staticfiles/*", "-i", "benchmarks/*", "-i", "tests/*",
    "-i", "var/*",
]  # fmt: skip
# Not copied into the temporary project makemessages reads: nothing in them is ours to translate.
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "staticfiles", "var", "benchmarks", "tests", "__pycache__", "*.mo", "*.pyc",
    "*.sqlite3", "docs", "static",
)  # fmt: skip

needs_gettext = pytest.mark.skipif(
    shutil.which("msgfmt") is None and not os.environ.get("CI"),
    reason="GNU gettext (Debian's gettext package) is not installed",
)


# ---------------------------------------------------------------------------------------------------------------
# The catalogue


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    line: int = 0

    def __str__(self) -> str:
        context = f" (context {self.msgctxt!r})" if self.msgctxt is not None else ""
        return f"line {self.line}: {self.msgid!r}{context}"


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")\s*$')


def _unquote(quoted: str) -> str:
    body = quoted.strip()[1:-1]
    return re.sub(r'\\(["\\ntr])', lambda m: {"n": "\n", "t": "\t", "r": "\r"}.get(m[1], m[1]), body)


def read_po(text: str) -> list[Entry]:
    """The entries of a .po file (the header, msgid "", included): enough of the format for makemessages' output."""
    entries: list[Entry] = []
    entry, last = Entry(), None

    def finish():
        nonlocal entry, last
        if last is not None:
            entries.append(entry)
        entry, last = Entry(), None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        elif line.startswith("#,"):
            if last is not None:
                finish()
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        elif line.startswith("#"):
            if last is not None and not last.startswith("msgid"):
                finish()
            continue
        if line.startswith('"'):
            value = _unquote(line)
            if last == "msgctxt":
                entry.msgctxt += value
            elif last == "msgid":
                entry.msgid += value
            elif last == "msgid_plural":
                entry.msgid_plural += value
            elif last is not None and last.startswith("msgstr"):
                entry.msgstr[-1] += value
            continue
        match = _KEYWORD.match(line)
        if not match:
            raise ValueError(f"line {number} of the catalogue is not understood: {raw!r}")
        keyword, value = match[1], _unquote(match[2])
        if keyword in ("msgctxt", "msgid") and last is not None and last.startswith("msgstr"):
            finish()
        if last is None:
            entry.line = number
        entry.obsolete = entry.obsolete or obsolete
        if keyword == "msgctxt":
            entry.msgctxt = value
        elif keyword == "msgid":
            entry.msgid = value
        elif keyword == "msgid_plural":
            entry.msgid_plural = value
        else:
            entry.msgstr.append(value)
        last = keyword
    finish()
    return entries


def catalogue_problems(entries: list[Entry]) -> list[str]:
    """Every entry that is untranslated, fuzzy or obsolete, and a header without Spanish's three plural forms."""
    problems = []
    for entry in entries:
        if entry.msgid == "" and entry.msgctxt is None:
            if "nplurals=3;" not in (entry.msgstr[0] if entry.msgstr else ""):
                problems.append("the header does not give Spanish's three plural forms (nplurals=3)")
            continue
        if entry.obsolete:
            problems.append(f"obsolete (#~), no longer in the code: delete it: {entry}")
        elif "fuzzy" in entry.flags:
            problems.append(f"fuzzy (a guess): check it and remove '#, fuzzy': {entry}")
        elif not entry.msgstr or any(not text.strip() for text in entry.msgstr):
            problems.append(f"untranslated: {entry}")
        elif entry.msgid_plural is not None and len(entry.msgstr) != 3:
            problems.append(f"needs msgstr[0], [1] and [2] (three plural forms): {entry}")
    return problems


def _manage(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DEBUG": "True", "DJANGO_SETTINGS_MODULE": "finder.settings"}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def regenerated_catalogue(tmp_path_factory) -> Path:
    """The committed catalogue after makemessages reads today's code (in a copy of the project)."""
    copy = tmp_path_factory.mktemp("finder") / "project"
    shutil.copytree(ROOT, copy, ignore=NOT_SOURCE, symlinks=True)
    done = _manage(MAKEMESSAGES, copy)
    assert done.returncode == 0, done.stderr
    return copy / CATALOGUE.relative_to(ROOT)


def test_the_committed_catalogue_has_no_untranslated_fuzzy_or_obsolete_entry():
    problems = catalogue_problems(read_po(CATALOGUE.read_text(encoding="utf-8")))
    assert not problems, f"{CATALOGUE.relative_to(ROOT)} (docs/translation.md):\n" + "\n".join(problems)


@needs_gettext
def test_every_message_of_the_code_is_in_the_spanish_catalogue_translated(regenerated_catalogue):
    # makemessages adds each new message untranslated (or as a fuzzy guess from a similar one), and marks a
    # message the code no longer has obsolete: all three fail here.
    problems = catalogue_problems(read_po(regenerated_catalogue.read_text(encoding="utf-8")))
    assert not problems, "Run `make messages` and translate (docs/translation.md):\n" + "\n".join(problems)


@needs_gettext
def test_the_committed_catalogue_is_what_make_messages_writes(regenerated_catalogue):
    """Same entries, same order: a catalogue merged by hand still matches the code (run `make messages`)."""

    def keys(path):
        entries = read_po(path.read_text(encoding="utf-8"))
        return [(e.msgctxt, e.msgid, e.msgid_plural) for e in entries if not e.obsolete]

    committed, regenerated = keys(CATALOGUE), keys(regenerated_catalogue)
    missing = [key for key in regenerated if key not in set(committed)]
    assert not missing, "Messages of the code missing from the catalogue (run `make messages`):\n" + "\n".join(
        repr(key) for key in missing
    )


@needs_gettext
def test_placeholders_are_the_same_in_english_and_spanish(tmp_path):
    # msgfmt --check-format: %(name)s, %s and {name} (python-brace-format) must match between msgid and msgstr.
    done = subprocess.run(
        ["msgfmt", "--check-format", "--check-header", "-o", str(tmp_path / "django.mo"), str(CATALOGUE)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_the_catalogue_reader_sees_untranslated_fuzzy_and_obsolete_entries():
    po = (
        'msgid ""\nmsgstr "Plural-Forms: nplurals=3; plural=n == 1 ? 0 : 2;\\n"\n\n'
        'msgid "Search"\nmsgstr "Buscar"\n\n'
        'msgctxt "facility status"\nmsgid "Open"\nmsgstr ""\n\n'
        '#, fuzzy, python-format\nmsgid "Call %(name)s"\nmsgstr "Llame"\n\n'
        'msgid "%(n)s place"\nmsgid_plural "%(n)s places"\nmsgstr[0] "%(n)s lugar"\nmsgstr[1] "%(n)s lugares"\n\n'
        '#~ msgid "Old words"\n#~ msgstr "Palabras viejas"\n'
    )
    problems = catalogue_problems(read_po(po))
    assert len(problems) == 4, problems
    assert "untranslated" in problems[0] and "'Open' (context 'facility status')" in problems[0]
    assert "fuzzy" in problems[1] and "Call %(name)s" in problems[1]
    assert "three plural forms" in problems[2]
    assert "obsolete" in problems[3] and "Old words" in problems[3]


# ---------------------------------------------------------------------------------------------------------------
# The templates

# Words that are the same in every language, each with its reason. Matched as whole words, case-sensitively.
ALLOWED_WORDS = {
    "Finder": "the service's name, a brand, the same in Spanish",
}
# Attributes people read or hear (screen readers speak aria-label and alt; browsers show title and placeholder).
READ_ATTRIBUTES = {"alt", "title", "aria-label", "aria-description", "aria-roledescription", "placeholder", "label"}
# Where text is not shown: its words need no translation (a script's and a style's code).
NOT_TEXT_ELEMENTS = {"script", "style"}
# Template tags whose contents are translated, or never shown.
SKIPPED_BLOCKS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans", "comment": "endcomment"}
MARK = "\x00"  # stands for a {{ variable }} or {% tag %}: no letters, and it keeps attribute values apart
LETTERS = re.compile(r"[^\W\d_]")


def _without_allowed(text: str) -> str:
    for word in ALLOWED_WORDS:
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", " ", text)
    return text.replace(MARK, " ")


# A quoted literal handed to an include (`with heading="Please check"`) or to a filter (`|default:"Unknown"`) is
# shown as it is: it must be `_("...")`. Only literals that read as words (a space or a capital letter) count:
# `with id="results-map" role="img"` are names. Other tags' literals are names and paths (url, static, templates).
LITERAL_ARGUMENT = re.compile(r"""(?:=|\|default(?:_if_none)?:)(["'])(.*?)\1""")


def _literal_words(token) -> str:
    """The words of literals given to an include or a |default: filter, as text to check."""
    contents = token.contents
    if token.token_type == TokenType.BLOCK:
        if contents.split()[0] != "include" or " with " not in contents:
            return ""
        contents = contents.split(" with ", 1)[1]
    elif token.token_type != TokenType.VAR:
        return ""
    found = [words for _quote, words in LITERAL_ARGUMENT.findall(contents) if re.search(r"\s|[A-Z]", words)]
    return "".join(f" {re.sub(r'[<>&]', ' ', words)} " for words in found)


def _skeleton(source: str) -> str:
    """The template's text with every {{ }} and {% %} (and what blocktranslate and comment hold) as MARK.

    Line breaks are kept, so a line in the skeleton is the same line in the template.
    """
    parts, closing = [], None
    for token in DebugLexer(source).tokenize():
        start, end = token.position
        newlines = "\n" * source.count("\n", start, end)
        if closing is not None:
            if token.token_type == TokenType.BLOCK and token.split_contents()[0] == closing:
                closing = None
            parts.append(MARK + newlines)
        elif token.token_type == TokenType.TEXT:
            parts.append(token.contents)
        else:
            if token.token_type == TokenType.BLOCK and token.split_contents()[0] in SKIPPED_BLOCKS:
                closing = SKIPPED_BLOCKS[token.split_contents()[0]]
            parts.append(MARK + _literal_words(token) + newlines)
    return "".join(parts)


class _UnmarkedText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.hidden = 0

    def _check(self, text: str, where: str = "") -> None:
        if LETTERS.search(_without_allowed(text)):
            words = " ".join(text.replace(MARK, " ").split())
            line = self.getpos()[0] + text[: len(text) - len(text.lstrip())].count("\n")
            self.found.append((line, f"{where}{words}"))

    def handle_starttag(self, tag, attrs):
        if tag in NOT_TEXT_ELEMENTS:
            self.hidden += 1
        values = {name.lower(): value or "" for name, value in attrs}
        for name, value in values.items():
            if name in READ_ATTRIBUTES:
                self._check(value, f"<{tag} {name}> ")
        if tag == "input" and values.get("type", "").lower() in ("submit", "button", "reset") and "value" in values:
            self._check(values["value"], f"<{tag} value> ")
        if tag == "meta" and values.get("name", "").lower() == "description":
            self._check(values.get("content", ""), "<meta description> ")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in NOT_TEXT_ELEMENTS:
            self.hidden -= 1

    def handle_endtag(self, tag):
        if tag in NOT_TEXT_ELEMENTS and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self._check(data)


def unmarked_text(source: str) -> list[tuple[int, str]]:
    """(line, words) for each piece of a template's text a reader sees that is not in a translation tag."""
    parser = _UnmarkedText()
    parser.feed(_skeleton(source))
    parser.close()
    return parser.found


# Pages outside the language prefix, so always English (finder/urls.py), each with its reason.
ENGLISH_ONLY_TEMPLATES = {
    "admin": "the stewards' admin, /admin/: Finder's own team's tool (families, admissions staff and helpline workers "
    "use the public pages, the staff portal and the helpline, all in both languages)",
    "api": "the API's documentation page, /api/docs/: for developers, like the APIs themselves (README, API)",
}


def _templates() -> list[Path]:
    return sorted(
        path
        for path in TEMPLATES.rglob("*")
        if path.is_file()
        and path.suffix in (".html", ".txt")
        and path.relative_to(TEMPLATES).parts[0] not in ENGLISH_ONLY_TEMPLATES
    )


@pytest.mark.parametrize("url", ["/es/admin/", "/es/api/docs/"])
def test_english_only_pages_have_no_spanish_address(client, db, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("template", _templates(), ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_template_has_no_text_outside_translation_tags(template):
    found = unmarked_text(template.read_text(encoding="utf-8"))
    where = template.relative_to(ROOT)
    assert not found, "Mark these with {% translate %} or {% blocktranslate trimmed %} (docs/translation.md):\n" + (
        "\n".join(f"{where}:{line}: {words!r}" for line, words in found)
    )


def test_the_template_check_finds_one_unmarked_word():
    marked = '{% load i18n %}<p>{% translate "Search" %}</p>\n'
    assert unmarked_text(marked) == []
    assert unmarked_text(marked + "<p>Search</p>") == [(2, "Search")]


@pytest.mark.parametrize(
    "source, found",
    [
        ('<img src="{% static "x.svg" %}" alt="Map">', [(1, "<img alt> Map")]),
        ('<img alt="{% translate "Map" %}">', []),
        ('<img alt="Map of {{ name }}">', [(1, "<img alt> Map of")]),
        ('<a href="/" aria-label="Main menu">{% translate "Menu" %}</a>', [(1, "<a aria-label> Main menu")]),
        ('<a href="/" title="{{ facility.name }}">{{ facility.name }}</a>', []),
        ('<input name="q" placeholder="ZIP code">', [(1, "<input placeholder> ZIP code")]),
        ('<input type="submit" value="Search">', [(1, "<input value> Search")]),
        ('<input type="hidden" name="level" value="medical-detox">', []),
        ('<meta name="description" content="Find care">', [(1, "<meta description> Find care")]),
        ('<meta name="viewport" content="width=device-width">', []),
        ("{% blocktranslate trimmed n=count %}{{ n }} places{% endblocktranslate %}", []),
        ("{% comment %}Notes for developers{% endcomment %}<!-- an HTML comment -->", []),
        ("<script>const words = 'not shown';</script><style>.a::after { content: 'x' }</style>", []),
        ("<p>&nbsp;&times; · 911 988 1-800-662-4357</p>", []),
        ("<a class=brand>Finder</a> <p>\n\n  Finders keepers</p>", [(3, "Finders keepers")]),
        ("{% block title %}Find treatment{% endblock title %}", [(1, "Find treatment")]),
        ("<p>{% if x %}Open{% else %}{% translate 'Closed' %}{% endif %}</p>", [(1, "Open")]),
        ('{% include "_e.html" with form=f heading="Please check" id="search-map" %}', [(1, "Please check")]),
        ('{% include "_e.html" with form=f heading=_("Please check") id="search-map" %}', []),
        ('<h2>{{ heading|default:"Please check:" }}</h2>', [(1, "Please check:")]),
        ('<h2>{{ heading|default:_("Please check:") }}</h2>', []),
        ('{% url "centers:search" as search_url %}{% include "centers/_field.html" with field=f %}', []),
    ],
)
def test_the_template_check(source, found):
    assert unmarked_text(source) == found
