"""The base for staff forms: every text field is stripped of surrounding whitespace."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectChoice


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class StaffForm(FlaskForm):
    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            filters = list(unbound_field.kwargs.get("filters", ()))
            if _strip not in filters:
                filters.append(_strip)
            return unbound_field.bind(form=form, filters=filters, **options)

    def error_list(self) -> list[tuple[str, str]]:
        """(field id, first message) for the error summary, in page order."""
        return [(field.id, field.errors[0]) for field in self if field.errors]


def choices(pairs: Any) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices (plain tuples are deprecated in WTForms 3.3)."""
    return [SelectChoice(str(value), str(label)) for value, label in pairs]
