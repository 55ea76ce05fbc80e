"""What the lifecycle announces to the layers above it (they subscribe in `AppConfig.ready`).

Both are sent inside the transaction of the change: a receiver that writes does so in the
same transaction, and one that enqueues work does it on commit.
"""

from django.dispatch import Signal

# A need or an offer wants to be matched (new, published, changed, or capacity came back).
# Arguments: sender (the model), record.
matching_requested = Signal()

# A need or an offer reached fulfilled, expired or withdrawn: whatever is still promised on it
# must be given back. Arguments: sender (the model), record, actor (a user or None), reason.
record_closed = Signal()
