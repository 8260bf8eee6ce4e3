"""What the domain tells whoever watches it, as plain callbacks: no metrics library here.

Each hook is optional; a service without one tells nobody.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, Protocol

from shim.domain.completion import Completed

Outcome = Literal["ok", "error"]

# The model's name as the client asked for it, and the answer's final counts.
OnAnswered = Callable[[str, Completed], None]
# Whether the backend's model list could be fetched.
OnRefreshed = Callable[[Outcome], None]
# A model that was (or should have been) loaded, and how that went.
OnLoaded = Callable[[str, Outcome], None]


class GateWatch(Protocol):
    """What the admission gate tells: how many wait, and each request it turns away."""

    def queue_depth(self, waiting: int) -> None: ...

    def refused(self) -> None: ...
