"""The roadmap member sees the roadmap and nothing of cases; the roadmap's catalogues are complete."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import jisr.roadmap


def _named_routes(patterns, namespace="", prefix=""):  # type: ignore[no-untyped-def]
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}:{p.namespace}".strip(":") if p.namespace else namespace
            yield from _named_routes(p.url_patterns, ns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}:{p.name}".strip(":"), prefix + str(p.pattern), list(p.pattern.regex.groupindex)


def test_roadmap_member_gets_404_on_every_case_and_person_url(cast, fatima_case):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(cast.ma_roadmap)
    checked = []
    for name, route, params in _named_routes(get_resolver().url_patterns):
        if not params or not any(word in route for word in ("case", "person")):
            continue
        # Every identifier is the world's case (or its person, for person routes): ids of other kinds
        # simply do not exist, which must be a 404 as well.
        kwargs = {k: (fatima_case.person.pk if "person" in (k + route.split("<")[0].split("(")[0])
                      else fatima_case.pk) for k in params}
        url = reverse(name, kwargs=kwargs)
        assert client.get(url).status_code in (404, 405), name
        assert client.post(url, {}).status_code in (404, 405), name
        checked.append(name)
    assert {"case-detail", "person-detail"} <= set(checked)


def test_roadmap_code_never_touches_cases_or_persons() -> None:
    root = Path(jisr.roadmap.__file__).parent
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "jisr.cases" not in text and "jisr.survivors" not in text, path


@pytest.mark.parametrize("language", ["ar", "fr", "es"])
def test_roadmap_catalogue_complete_and_compiled(language: str) -> None:
    po = Path(jisr.roadmap.__file__).parent / "locale" / language / "LC_MESSAGES" / "django.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=language)
    problems = [m.id for m in catalog if m.id and (m.fuzzy or not (m.string and str(m.string).strip()))]
    assert len(catalog) > 200 and not problems, problems
    mo = po.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime - 5
