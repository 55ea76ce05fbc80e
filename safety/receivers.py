"""What safety does when a lower layer tells it something (connected in SafetyConfig.ready)."""

from accounts.models import User
from safety.selectors import open_offers_of


def match_again_after_checks(sender, *, subject: User, **kwargs) -> None:
    """A check about the person was recorded or withdrawn: their open offers may now be
    matched (a landlord whose identity was seen) or no longer; ask for matching again. An
    inactive (suspended or erased) account's offers stay paused whatever its checks."""
    if not subject.is_active:
        return
    for record in open_offers_of(subject):
        record.request_matching()
