"""The Celery app. Settings come from Django settings with the CELERY_ prefix."""

import os

from celery import Celery
from celery.signals import (
    beat_init,
    before_task_publish,
    heartbeat_sent,
    setup_logging,
    task_postrun,
    task_prerun,
)

from workers.heartbeat import on_heartbeat_sent
from workers.request_ids import (
    add_request_id_to_headers,
    bind_for_task,
    configure_worker_logging,
    unbind_after_task,
)
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


# Connected at import, before a worker builds its Heart: Celery sends the signal only if it had
# receivers when the Heart was made.
heartbeat_sent.connect(on_heartbeat_sent)

# The request id follows a request into the tasks it publishes, and workers log like the web
# process (workers/request_ids.py).
before_task_publish.connect(add_request_id_to_headers)
task_prerun.connect(bind_for_task)
task_postrun.connect(unbind_after_task)
setup_logging.connect(configure_worker_logging)
