"""Domain errors: anything raised as one of these becomes a polite Chinese reply."""


class DomainError(Exception):
    """An expected problem the user can fix; ``message`` is shown to them as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PermissionDenied(DomainError):
    """The sender's role does not allow this action."""
