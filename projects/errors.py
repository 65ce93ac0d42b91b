"""The one error type services raise when a rule says no.

It carries a machine-readable `code` (the voting API maps codes to HTTP statuses in one table) and
a `detail` in the request's language; it is a ValidationError, so forms and views show it as one.
Services never choose an HTTP status.
"""

from django.core.exceptions import ValidationError


class Refused(ValidationError):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail, code=code)
        self.code: str = code
        self.detail = detail

    def __str__(self) -> str:
        return self.detail
