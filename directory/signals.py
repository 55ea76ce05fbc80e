"""What the directory tells the layers above it (they subscribe in `AppConfig.ready`).

Sent after the transaction that made the change committed, so that a receiver never tells
anyone of a change that was rolled back. Arguments: sender (the model: `Service` or
`ProviderProfile`), record.
"""

from django.dispatch import Signal

# An organisation's service or provider profile now waits for a coordinator's review (it was
# not waiting before).
submitted_for_review = Signal()

# A coordinator approved a service or provider profile that waited for review: it is public now.
review_approved = Signal()
