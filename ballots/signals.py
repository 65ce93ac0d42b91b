"""What the voting floor announces to floors above it, which it must not import."""

from django.dispatch import Signal

# Sent inside the closing transaction, after the tally is stored: `round_` is the closed Round.
# Receivers must not fail the close; tracking turns a final selection into tracked projects.
round_closed = Signal()
