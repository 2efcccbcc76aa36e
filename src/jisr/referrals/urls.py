"""Referral screens under /referrals/ (and /cases/<id>/refer/), the API under /api/v1/referrals/.
One include in config/urls.py; every identifier in a path is a UUID."""

from django.urls import path

from jisr.referrals import api, views

app_name = "referrals"
urlpatterns = [
    path("referrals/sent/", views.outbox, name="outbox"),
    path("referrals/received/", views.inbox, name="inbox"),
    path("referrals/import/", views.import_file, name="import"),
    path("referrals/partners/", views.partners, name="partners"),
    path("referrals/partners/add/", views.partner_add, name="partner_add"),
    path("referrals/partners/<uuid:partner_id>/confirm/", views.partner_confirm, name="partner_confirm"),
    path("referrals/instance/public-keys.json", views.public_keys, name="public_keys"),
    path("referrals/<uuid:referral_id>/", views.detail, name="detail"),
    path("referrals/<uuid:referral_id>/act/", views.act, name="act"),
    path("referrals/<uuid:referral_id>/open-case/", views.open_case, name="open_case"),
    path("referrals/<uuid:referral_id>/envelopes/<uuid:message_id>.jisr", views.envelope_download, name="envelope"),
    path("cases/<uuid:case_id>/refer/", views.create, name="create"),
    path("api/v1/referrals/", api.ReferralList.as_view(), name="api_list"),
    path("api/v1/referrals/inbox/", api.inbox_endpoint, name="api_inbox"),
    path("api/v1/referrals/<uuid:referral_id>/", api.ReferralDetail.as_view(), name="api_detail"),
]
