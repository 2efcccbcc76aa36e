"""Roadmap routes in the authorisation matrix (who may do what: jisr/roadmap/access.py).

Every staff member of a partner organisation reads the roadmap; the roadmap member and the coordinator
write it; a reader who may not write gets 403; an outsider gets 404 everywhere; an anonymous visitor is
sent to the login page. (That a roadmap member gets 404 on every *case* URL is in the core and web
route files: she is not in MA_CASE_TEAM.)
"""

from __future__ import annotations

import datetime as dt
import os
import weakref
from decimal import Decimal
from typing import Any

from matrix import STAFF, Route, expect

READERS = tuple(p for p in STAFF if p != "outsider")
WRITERS = ("ma_roadmap", "ma_coordinator")


def read(**kw: Any) -> Route:
    return Route(get=expect(READERS), **kw)


def _prepare(w: Any) -> dict[str, Any]:
    rm(w)  # make the records before the matrix counts rows
    return {}


def form(data: Any, **kw: Any) -> Route:
    """A writer's form page: GET and POST 403 for readers; a valid POST redirects."""
    kw.setdefault("kwargs", _prepare)
    return Route(get=expect(WRITERS, denied=403, outsider=404), post=expect(WRITERS, ok=303, denied=403, outsider=404),
                 data=data, **kw)


def write(data: Any, **kw: Any) -> Route:
    """A POST-only endpoint: 405 on GET for everyone."""
    return Route(post=expect(WRITERS, ok=303, denied=403, outsider=404), data=data, **kw)


def rm(world: Any) -> Any:
    """Roadmap records for the matrix, made once per world through the services."""
    cached = world.__dict__.get("_roadmap")
    if cached is not None:
        return cached
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jisr.roadmap import services
    from jisr.roadmap.models import StrategicArea

    actor = world.cast.ma_roadmap
    area = StrategicArea.objects.get(code="prevention")
    event = services.event_create(actor=actor, title_fr="Réunion", starts_on=dt.date(2025, 5, 8))
    rec = services.recommendation_create(actor=actor, event=event, area=area, scope="both", text_fr="Former")
    action = services.action_create(actor=actor, title="Former", lead_organisation=world.cast.ma,
                                    recommendations=[rec])
    indicator = services.indicator_add(actor=actor, action=action, name="Personnes formées", target=Decimal(10))
    update = services.progress_add(actor=actor, action=action, note="ok",
                                   upload=SimpleUploadedFile("minutes.pdf", b"%PDF-1.4\n%test\n"))
    training = services.training_create(actor=actor, title="Loi 27-14", organiser=world.cast.ma,
                                        starts_on=dt.date(2025, 10, 14), country="MA")
    practice = services.practice_create(actor=actor, title="Guichet unique", summary="…", country="MA", area=area)
    # The evidence file lives under DATA_DIR/media; remove it when the test's world goes away.
    weakref.finalize(world, _remove, update.evidence.file.path)

    class R:
        pass

    r = R()
    r.area, r.event, r.rec, r.action, r.indicator, r.training, r.practice = (
        area, event, rec, action, indicator, training, practice)
    r.file = update.evidence
    world.__dict__["_roadmap"] = r
    return r


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


event = {"kwargs": lambda w: {"event_id": rm(w).event.pk}}
recommendation = {"kwargs": lambda w: {"recommendation_id": rm(w).rec.pk}}
action = {"kwargs": lambda w: {"action_id": rm(w).action.pk}}
training = {"kwargs": lambda w: {"training_id": rm(w).training.pk}}


def _rec_data(w: Any) -> dict[str, Any]:
    r = rm(w)
    return {"event": r.event.pk, "area": r.area.pk, "text_fr": "Coordonner", "scope": "MA", "priority": "high"}


ROUTES = {
    "roadmap:dashboard": read(),
    "roadmap:report_pdf": read(),
    "roadmap:export_xlsx": read(),
    "roadmap:area_list": Route(get=expect(READERS), post=expect(WRITERS, ok=303, denied=403, outsider=404),
                               data=lambda w: {"code": "gender", "name_ar": "النوع الاجتماعي", "name_fr": "Genre",
                                               "name_es": "Género", "name_en": "Gender", "order": "٧"}),
    "roadmap:event_list": read(),
    "roadmap:event_detail": read(**event),
    "roadmap:event_create": form(lambda w: {"kind": "workshop", "title_ar": "ورشة", "starts_on": "٠٨/٠٥/٢٠٢٥"}),
    "roadmap:event_edit": form(lambda w: {"kind": "meeting", "title_fr": "Réunion de Rabat", "starts_on": "٠٩/٠٥/٢٠٢٥"},
                               **event),
    "roadmap:event_participant_add": write(lambda w: {"name": "Association (test)", "country": "ES"}, **event),
    "roadmap:event_document_add": write(lambda w: {"title": "Compte rendu"}, **event),
    "roadmap:recommendation_list": read(),
    "roadmap:recommendation_create": form(_rec_data),
    "roadmap:recommendation_detail": read(**recommendation),
    "roadmap:recommendation_edit": form(_rec_data, **recommendation),
    "roadmap:action_list": read(),
    "roadmap:action_create": form(lambda w: {"title": "Coordonner", "lead_organisation": w.cast.es.pk,
                                             "recommendations": [rm(w).rec.pk], "due_on": "30/06/2026"}),
    "roadmap:action_detail": read(**action),
    "roadmap:action_edit": form(lambda w: {"title": "Former les équipes", "lead_organisation": w.cast.ma.pk,
                                           "partners": [w.cast.es.pk], "due_on": "٣٠/٠٦/٢٠٢٦"}, **action),
    "roadmap:action_status": write(lambda w: {"status": "in_progress"}, **action),
    "roadmap:action_link": write(lambda w: {"recommendations": [rm(w).rec.pk]}, **action),
    "roadmap:action_progress": write(lambda w: {"note": "Réunion tenue", "link": "https://example.org/cr"}, **action),
    "roadmap:action_indicator": write(lambda w: {"name": "Protocoles signés", "baseline": "٠", "target": "٦"},
                                      **action),
    "roadmap:indicator_measurement": write(lambda w: {"measured_on": "2026-01-15", "value": "٣٫٥"},
                                           kwargs=lambda w: {"indicator_id": rm(w).indicator.pk}),
    "roadmap:training_list": read(),
    "roadmap:training_create": form(lambda w: {"title": "Identification", "organiser": w.cast.ma.pk,
                                               "starts_on": "14/10/2025", "country": "MA", "hours": "١٢"}),
    "roadmap:training_detail": read(**training),
    "roadmap:training_attendance": write(lambda w: {"organisation": w.cast.es.pk, "profession": "police",
                                                    "count": "٧"}, **training),
    "roadmap:practice_list": read(),
    "roadmap:practice_create": form(lambda w: {"title": "Guichet", "summary": "Un lieu", "country": "ES",
                                               "area": rm(w).area.pk, "tags": "accueil, santé"}),
    "roadmap:practice_detail": read(kwargs=lambda w: {"practice_id": rm(w).practice.pk}),
    "roadmap:file_download": read(kwargs=lambda w: {"file_id": rm(w).file.pk}),
}
