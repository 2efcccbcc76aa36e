"""Screens. Every identifier in a path is a UUID; personal data travels in POST bodies only."""

from django.urls import path

from jisr.web import views

app_name = "web"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("persons/", views.person_list, name="person_list"),
    path("persons/new/", views.person_register_view, name="person_register"),
    path("persons/new/duplicates/", views.person_duplicates, name="person_duplicates"),
    path("persons/<uuid:person_id>/", views.person_detail, name="person_detail"),
    path("persons/<uuid:person_id>/edit/", views.person_edit_view, name="person_edit"),
    path("persons/<uuid:person_id>/reveal/", views.person_reveal_view, name="person_reveal"),
    path("persons/<uuid:person_id>/open-case/", views.case_open_view, name="case_open"),
    path("cases/<uuid:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<uuid:case_id>/stage/", views.case_stage, name="case_stage"),
    path("cases/<uuid:case_id>/risk/", views.case_risk, name="case_risk"),
    path("cases/<uuid:case_id>/exploitation/", views.case_exploitation, name="case_exploitation"),
    path("cases/<uuid:case_id>/assign/", views.case_assign, name="case_assign"),
    path("cases/<uuid:case_id>/notes/", views.case_note, name="case_note"),
    path("cases/<uuid:case_id>/notes/all/", views.case_notes_page, name="case_notes"),
    path("cases/<uuid:case_id>/timeline/", views.case_timeline_page, name="case_timeline"),
    path("cases/<uuid:case_id>/close/", views.case_close, name="case_close"),
    path("cases/<uuid:case_id>/reopen/", views.case_reopen, name="case_reopen"),
]
