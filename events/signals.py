"""What the events app tells the layers above it (they subscribe in `AppConfig.ready`).

Sent after the transaction that made the change committed, so that a receiver never tells
anyone of a change that was rolled back. Arguments: sender (the model), record.
"""

from django.dispatch import Signal

# An organisation's series now waits for a coordinator's review (it was not waiting before).
submitted_for_review = Signal()

# A coordinator approved a series that waited for review: it is public now.
review_approved = Signal()
