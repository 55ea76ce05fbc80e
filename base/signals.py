"""Personal data shown to someone: every layer that shows it says so, and privacy (at the top)
keeps the audit (`privacy.models.DataAccess`). A signal, because the layers below privacy
(matching renders contact details into emails) may not import it."""

from django.dispatch import Signal

# Arguments: sender (the module that showed it), viewer (a user), records (the needs and
# offers whose exact address or contact details were shown), why (a short reason such as
# "accepted match 17" or "coordinator").
personal_data_shown = Signal()
