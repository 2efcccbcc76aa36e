"""Translation catalogues are complete (no empty or fuzzy entry) and compiled; assets are local."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import jisr

PACKAGE = Path(jisr.__file__).parent
LOCALE = PACKAGE / "locale"
STATIC = PACKAGE / "web" / "static"
LANGUAGES = ("ar", "fr", "es")
# Every catalogue: the global one (LOCALE_PATHS, core only) and each app's own.
CATALOGUES = sorted(PACKAGE.glob("**/locale/*/LC_MESSAGES/django.po"))
APPS_WITH_OWN_CATALOGUE = (
    "care", "outcomes", "roadmap", "identification", "statistics", "referrals", "common", "web", "survivors",
)
# Fewer messages than this means a catalogue read as (nearly) empty; `common` holds only the shared form fields.
MIN_MESSAGES = {"common": 4}
# Arabic: zero, one, two, few (3–10), many (11–99), other; the expression Django's own Arabic catalogue uses.
ARABIC_PLURALS = (
    "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 && n%100<=99 ? 4 : 5;"
)


def _name(po_path: Path) -> str:
    return str(po_path.relative_to(PACKAGE))


def _read(po_path: Path):
    with po_path.open("rb") as f:
        return read_po(f, locale=po_path.parent.parent.name)


def _plural_forms(po_path: Path) -> str:
    text = po_path.read_text(encoding="utf-8")
    header = text.split("\n\n", 1)[0].replace('"\n"', "")
    match = re.search(r"Plural-Forms: *([^\\]*)", header)
    assert match, f"{_name(po_path)}: no Plural-Forms header"
    return " ".join(match.group(1).split())


def test_every_app_catalogue_is_found():
    found = {_name(p) for p in CATALOGUES}
    for app in ("", *(f"{app}/" for app in APPS_WITH_OWN_CATALOGUE)):
        for language in LANGUAGES:
            assert f"{app}locale/{language}/LC_MESSAGES/django.po" in found


@pytest.mark.parametrize("po_path", CATALOGUES, ids=_name)
def test_catalogue_complete(po_path):
    catalog = _read(po_path)
    nplurals = int(re.search(r"nplurals=(\d+)", _plural_forms(po_path)).group(1))
    problems = []
    for message in catalog:
        if not message.id:
            continue  # the header
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if not all(s and s.strip() for s in strings):
            problems.append(f"empty: {message.id!r}")
        if message.pluralizable and len(strings) != nplurals:
            problems.append(f"{len(strings)} plural forms instead of {nplurals}: {message.id!r}")
    assert len(catalog) > MIN_MESSAGES.get(_name(po_path).split("/", 1)[0], 10)
    assert not problems, f"{_name(po_path)}:\n" + "\n".join(problems)
    mo = po_path.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= po_path.stat().st_mtime - 5, (
        f"{_name(po_path)}: run `jisr compilemessages`"
    )


@pytest.mark.parametrize("po_path", CATALOGUES, ids=_name)
def test_catalogue_has_no_obsolete_or_fuzzy_markers_in_text(po_path):
    text = po_path.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text, f"{_name(po_path)}: fuzzy entry (or fuzzy header)"
    assert "\n#~ " not in text, f"{_name(po_path)}: obsolete entries"


@pytest.mark.parametrize("po_path", CATALOGUES, ids=_name)
def test_plural_forms(po_path):
    forms = _plural_forms(po_path)
    language = po_path.parent.parent.name
    if language == "ar":
        assert forms == ARABIC_PLURALS, f"{_name(po_path)}: {forms}"
    # One language, one plural rule: Django merges the catalogues of a language.
    others = {_plural_forms(p) for p in CATALOGUES if p.parent.parent.name == language}
    assert others == {forms}, f"{language}: different Plural-Forms across catalogues: {others}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_global_catalogue_covers_only_the_core(language):
    """LOCALE_PATHS wins over the apps' catalogues: an app string in it would override the app's translation."""
    catalog = _read(LOCALE / language / "LC_MESSAGES" / "django.po")
    leaked = [
        (message.id, path)
        for message in catalog
        if message.id
        for path, _line in message.locations
        if path.split("/", 1)[0] in APPS_WITH_OWN_CATALOGUE
    ]
    assert not leaked, "regenerate with --ignore for the apps (CONTRIBUTING.md): " + repr(leaked[:5])


# Django merges every catalogue of a language into one dictionary: LOCALE_PATHS wins, then the apps in
# INSTALLED_APPS order (ours first, then Django's admin and django-countries). A msgid therefore has one
# translation on every screen, and two catalogues holding it must agree; a word with two meanings is
# told apart by a context (pgettext / {% translate ... context ... %} / msgctxt).
# Known exceptions, each waiting for a context in code outside the catalogues (see the reason):
PENDING_CONTEXT: dict[tuple[str, str], str] = {}
# (Resolved: care's NeedLevel "need level" and GoalStatus "goal status", roadmap's profession field
# "professional function"; tests/web/test_web_gendered_labels.py checks the screens.)


def _translations(language: str) -> dict[tuple[str | None, str], dict[str, object]]:
    """(msgctxt, msgid) -> {catalogue: msgstr} for every catalogue of the language."""
    found: dict[tuple[str | None, str], dict[str, object]] = {}
    for po_path in CATALOGUES:
        if po_path.parent.parent.name != language:
            continue
        for message in _read(po_path):
            if message.id:
                msgid = message.id if isinstance(message.id, str) else message.id[0]
                string = tuple(message.string) if isinstance(message.string, tuple | list) else message.string
                found.setdefault((message.context, msgid), {})[_name(po_path)] = string
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_msgid_in_several_catalogues_has_one_translation(language):
    """Catalogues agree on a shared msgid, or it carries a context: otherwise the app listed first decides
    what every screen shows (e.g. a referral "Completed" read as care's "she completed")."""
    disagreements = {
        key: by_catalogue
        for key, by_catalogue in _translations(language).items()
        if len(set(by_catalogue.values())) > 1
    }
    pending = {key for key in disagreements if key[0] is None and (language, key[1]) in PENDING_CONTEXT}
    unexpected = {key: disagreements[key] for key in disagreements.keys() - pending}
    assert not unexpected, f"{language}: same msgid, different translations (agree, or add a context):\n" + "\n".join(
        f"{key!r}: {value!r}" for key, value in sorted(unexpected.items(), key=str)
    )
    resolved = {word for (lang, word) in PENDING_CONTEXT if lang == language} - {word for _ctx, word in pending}
    assert not resolved, f"{language}: no longer ambiguous, remove from PENDING_CONTEXT: {sorted(resolved)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_catalogue_translation_is_the_one_shown(language):
    """What Django shows for each entry (after merging every catalogue, Django's own included) is the
    translation of the catalogue that holds it: Jisr's apps come first in INSTALLED_APPS, so Django's admin
    ("Filter": a noun, roadmap's button) and django-countries ("Spain") do not win over ours."""
    from django.utils import translation

    wrong = []
    with translation.override(language):
        for (context, msgid), by_catalogue in _translations(language).items():
            if (language, msgid) in PENDING_CONTEXT:
                continue
            for name, string in by_catalogue.items():
                if isinstance(string, tuple):
                    continue  # plural entries: the agreement test above covers them
                shown = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
                if shown != string:
                    wrong.append(f"{name}: {msgid!r} shows {shown!r}, not {string!r}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    "path",
    [
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/bootstrap/bootstrap.rtl.min.css",
        "vendor/bootstrap/bootstrap.bundle.min.js",
        "vendor/htmx/htmx.min.js",
        "vendor/noto-sans-arabic/noto-sans-arabic-arabic-400-normal.woff2",
        "vendor/bootstrap/LICENSE",
        "vendor/htmx/LICENSE",
        "vendor/noto-sans-arabic/LICENSE",
    ],
)
def test_vendored_assets_present(path):
    assert (STATIC / path).stat().st_size > 0


def test_no_remote_urls_in_own_css():
    css = (STATIC / "web" / "jisr.css").read_text(encoding="utf-8")
    assert "http://" not in css and "https://" not in css and "//" not in css.replace("/*", "").replace("*/", "")
