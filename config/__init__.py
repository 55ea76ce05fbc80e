"""Project configuration. Importing the Celery app here makes shared tasks bind to it."""

from workers.celery import app as celery_app

__all__ = ("celery_app",)
