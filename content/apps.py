import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = _("Information pages and handouts")

    def ready(self) -> None:
        # WeasyPrint logs every step of every PDF (and of its own style sheets when it is
        # imported) at INFO; its warnings (a refused fetch, a missing glyph) still show.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
