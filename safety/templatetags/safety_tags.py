"""The reports queue and the standing suspensions, for the coordinators' page
(`web/templates/web/coordination.html`: `{% report_queue as reports %}`). The page's view
stays as it is; the section reads through safety's selectors."""

from django import template

from safety import selectors

register = template.Library()

# As many as the page shows of its other lists.
LIST_SIZE = 100


@register.simple_tag(takes_context=True)
def report_queue(context) -> list[selectors.QueueItem]:
    """Open reports, most pressing first (coordinators only; nobody else gets any)."""
    user = context.get("user")
    if user is None or not user.is_authenticated or not user.is_coordinator:
        return []
    return selectors.open_queue(LIST_SIZE)


@register.simple_tag(takes_context=True)
def suspended_accounts(context) -> list:
    user = context.get("user")
    if user is None or not user.is_authenticated or not user.is_coordinator:
        return []
    return selectors.standing_suspensions(LIST_SIZE)
