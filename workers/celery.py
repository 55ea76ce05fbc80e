"""The Celery app. Settings come from Django settings with the CELERY_ prefix."""

import os

from celery import Celery
from celery.signals import beat_init

from workers.singleton import hold_scheduler_lock

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("willkommen")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Every installed app's tasks.py (matching.tasks, notifications.tasks, workers.tasks …).
app.autodiscover_tasks()


@beat_init.connect
def _become_the_only_scheduler(sender, **kwargs) -> None:
    # Fired for standalone and embedded beat before the first tick: a second beat waits here
    # as a stand-by until the first one's database session (and with it the lock) is gone.
    hold_scheduler_lock()
