"""Plain text: what a text field or a sheet cell may hold, checked once for every way text comes in.

Control characters are invisible on screen, and the ones XML cannot hold make every later Excel
export of the record fail, so they are refused where text enters, never cleaned up on the way out.
"""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The longest free text a sheet cell or a candidate's long-text field takes: ample for a
# project's description, far below Excel's own 32,767 (beyond which a cell is cut short).
MAX_TEXT_CHARS = 5000

# C0 except tab, line feed and carriage return; DEL and C1; lone surrogates; and the two
# non-characters U+FFFE and U+FFFF, which XML cannot hold either.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
LINE_BREAK_OR_TAB = re.compile("[\t\n\r]")


def multi_line_text(value: str) -> None:
    """For text areas: line breaks and tabs are part of the text; other control characters not."""
    found = CONTROL.search(value)
    if found:
        raise ValidationError(
            _("This text contains an invisible control character (%(char)s). Remove it and retry."),
            code="control_character",
            params={"char": f"U+{ord(found.group()):04X}"},
        )


def single_line_text(value: str) -> None:
    """For one-line fields: a name or a title holds no line break or tab either."""
    multi_line_text(value)
    if LINE_BREAK_OR_TAB.search(value):
        raise ValidationError(
            _("This must be a single line: remove the line break or tab."), code="single_line"
        )


class PlainTextForm(forms.BaseForm):
    """A form whose every text field refuses control characters; its text areas keep line breaks.

    Every field is covered, those added later too, without anyone remembering to. Put it first
    among a form's bases: Django's BaseForm.__init__ calls no further __init__ after its own.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # this form's own copies, not the class's
            if isinstance(field, forms.CharField):
                multi_line = isinstance(field.widget, forms.Textarea)
                field.validators.append(multi_line_text if multi_line else single_line_text)
