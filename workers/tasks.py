"""The periodic tasks that look across the database and put work on the queue.

Tasks that do one piece of work live in their apps (`matching.tasks`, `notifications.tasks`,
`geo.tasks`, `lifecycle.tasks`, `privacy.tasks`); these fan out to them, which is why
they sit above every app they enqueue for.
"""

from celery import shared_task
from django.db import OperationalError

from base.retry import RETRY
from matching.scheduling import schedule_everything
from notifications.keepers import ask_keepers_to_confirm as ask_keepers
from notifications.services import send_digests as write_digests
from workers.sweep import sweep_pending


@shared_task(acks_late=True)
def sweep() -> dict[str, int]:
    """Every minute: whatever is still pending in the database goes on the queue again."""
    return sweep_pending()


@shared_task(acks_late=True)
def match_everything() -> int:
    """Periodic full run: a batch for every cell with open needs, spread over the workers."""
    return schedule_everything()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), **RETRY)
def send_digests() -> dict:
    """Daily: one digest email per person who chose it, carrying what was held."""
    return write_digests()


@shared_task(acks_late=True)
def ask_keepers_to_confirm() -> int:
    """Daily: the keepers of what has gone unconfirmed too long are asked, once a period."""
    return ask_keepers()
