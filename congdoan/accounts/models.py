from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from congdoan.org.models import Unit


class Role(models.TextChoices):
    ADMIN = "admin", _("System administrator")
    MANAGER = "manager", _("Unit manager")
    CLERK = "clerk", _("Clerk")
    APPROVER = "approver", _("Approver")
    VIEWER = "viewer", _("Viewer")


class User(AbstractUser):
    """A person who signs in; belongs to one unit and sees only that unit's subtree."""

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class FailedLogin(models.Model):
    """A failed sign-in, kept in the database so every server process throttles alike."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} @ {self.address} {self.at:%Y-%m-%d %H:%M}"
