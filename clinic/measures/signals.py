"""Signals the measures domain sends, so that other domains can react without measures importing them.

`safety_screen_flagged` is sent (sender = the Couple) when a partner's newly answered safety screen is
positive or severe, inside the same transaction as the answer. Receivers take keyword arguments
`screen` (the SafetyScreen) and `by` (the user who stored the answers) and may change state and flush,
but never commit. Homework connects to it to pause conflict-raising assignments at once.
"""

from blinker import Namespace

_signals = Namespace()

safety_screen_flagged = _signals.signal("safety-screen-flagged")
