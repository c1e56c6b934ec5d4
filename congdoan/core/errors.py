"""Raising a rule's error: every app's rules give a message, a code and its values."""

from django.core.exceptions import ValidationError


def fail(message, code: str, /, **params) -> None:
    raise ValidationError(message, code=code, params=params)
