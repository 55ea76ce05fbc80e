"""What an organisation keeps on the hub, and confirming that it is still right (`/kept/`).

Directory entries, event series and pages have a keeper (an organisation) and a date they were
last confirmed (`editorial.models.Kept`). Members of the keeping organisation see what they keep,
the longest unconfirmed first, with what is overdue marked, and confirm each with one button;
coordinators see everything that is overdue, whoever keeps it. The keepers are asked by email
once a period (`notifications.keepers`, daily through `workers.tasks`).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import active_organisations_of
from editorial import selectors, services
from editorial.models import Kept


def _row(record: Kept, language: str) -> dict:
    return {
        "record": record,
        "label": record._meta.label_lower,
        "kind": record._meta.verbose_name,
        "title": selectors.title_of(record, language),
        "owner": record.owner.name if record.owner_id else "",
        "overdue": selectors.is_overdue(record),
    }


@login_required
def kept(request: HttpRequest) -> HttpResponse:
    language = get_language()
    ours = list(active_organisations_of(request.user).values_list("pk", flat=True))
    rows = [_row(record, language) for record in selectors.kept_by(ours)]
    overdue_anywhere = selectors.overdue_everywhere() if request.user.is_coordinator else []
    context = {
        "rows": rows,
        "overdue_count": sum(1 for row in rows if row["overdue"]),
        "overdue_anywhere": [_row(record, language) for record in overdue_anywhere],
        "has_organisation": bool(ours),
    }
    return render(request, "web/kept.html", context)


@login_required
@require_POST
def confirm(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    """Only members of the keeping organisation, or a coordinator; 404 for anyone else, so
    that nobody learns which records exist."""
    model = selectors.kept_model(label)
    record = model.objects.filter(pk=pk).first() if model else None
    if record is None:
        raise Http404
    if not selectors.may_confirm(request.user, record):
        raise Http404
    services.confirm_current(record, actor=request.user)
    messages.success(
        request,
        _("Thank you: “%(title)s” is confirmed as still right.")
        % {"title": selectors.title_of(record, get_language())},
    )
    return redirect("kept")
