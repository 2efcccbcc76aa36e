"""Survivors screens: erasing a person's identity (crypto-shredding, services.person_erase).

Thin, like jisr.web.views: the person is fetched through the scoped selector (404 for anyone who may
not see her), the role is checked before anything is shown (403), a recent second factor is asked
for (accounts.mfa.second_factor_recently), then the form is validated and the service called.
Nothing identifying is shown on this screen or put in a URL: only her pseudonymous code.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jisr.accounts.mfa import second_factor_recently
from jisr.accounts.models import User
from jisr.common.errors import PermissionDeniedError, StateError
from jisr.survivors.forms import PersonEraseForm
from jisr.survivors.models import Person
from jisr.survivors.selectors import person_get_for_user
from jisr.survivors.services import IdentityInReasonError, may_erase, person_erase


class SeeOther(HttpResponseRedirect):
    """303 after a successful POST (post/redirect/get), as in jisr.web.views."""

    status_code = 303


@login_required
@require_http_methods(["GET", "POST"])
def person_erase_view(request: HttpRequest, person_id: str) -> HttpResponse:
    """GET: what erasure destroys and what remains, and the form. POST: erase, then back to her page.

    404 for a person the user may not see, 403 for a role that may not erase (before the second-factor
    detour, so a refusal never sends anyone through it)."""
    user: User = request.user  # type: ignore[assignment]
    # A refused request leaves no trace of a read; an allowed GET reads the person (audited as a view);
    # POST writes its own, more specific event.
    person = person_get_for_user(user, person_id, log_read=False)
    if not may_erase(user, person):
        raise PermissionDenied
    if request.method == "GET":
        person = person_get_for_user(user, person_id)
    return _erase(request, person)


@second_factor_recently
def _erase(request: HttpRequest, person: Person) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    status = 200
    if request.method == "POST":
        form = PersonEraseForm(request.POST, code=person.code)
        status = 400
        if person.is_erased:
            form.add_error(None, _("This person's identity was already erased. Nothing was changed."))
            status = 409
        elif form.is_valid():
            try:
                person_erase(actor=user, person=person, reason=form.cleaned_data["reason"])
            except PermissionDeniedError as exc:  # the role changed since the check above
                raise PermissionDenied from exc
            except StateError:
                form.add_error(None, _("This person's identity was already erased. Nothing was changed."))
                status = 409
            except IdentityInReasonError:
                form.add_error(
                    "reason",
                    _(
                        "Do not write her name, phone, document number or date of birth: the reason is "
                        "kept in the audit trail after her identity is erased."
                    ),
                )
            except ValueError:
                form.add_error("reason", _("Say why, in a few words."))
            else:
                messages.success(
                    request,
                    _("The identity of %(code)s was erased. The code, cases and history remain.")
                    % {"code": person.code},
                )
                return SeeOther(reverse("web:person_detail", kwargs={"person_id": person.pk}))
    else:
        form = PersonEraseForm(code=person.code)
    response = render(request, "survivors/person_erase.html", {"person": person, "form": form}, status=status)
    response["Cache-Control"] = "no-store"
    return response
