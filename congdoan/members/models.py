from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from congdoan.org.models import Unit


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class ContractTerm(models.TextChoices):
    INDEFINITE = "indefinite", _("Indefinite term")
    FIXED = "fixed", _("Fixed term")


class Member(models.Model):
    """A person who is or was a union member. Memberships say where and when."""

    full_name = models.CharField(_("full name"), max_length=200)
    # Accent-free, lower-case name for search that ignores diacritics and word order.
    # Indexed through Meta.indexes, not db_index: on PostgreSQL db_index adds a second,
    # varchar_pattern_ops index for LIKE 'abc%', which no query here makes (name search goes
    # through the trigram index, lists through this one), costing a quarter of a roster's COPY.
    search_key = models.CharField(max_length=200, editable=False)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    # Always set; old records often know only the year.
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    # NULL, not "", when unknown: the uniqueness constraints apply only to numbers given.
    national_id = models.CharField(  # noqa: DJ001
        _("national ID (CCCD)"), max_length=12, null=True, blank=True
    )
    ethnicity = models.CharField(_("ethnicity"), max_length=50, blank=True)
    religion = models.CharField(_("religion"), max_length=50, blank=True)
    education_level = models.CharField(_("general education"), max_length=50, blank=True)
    professional_level = models.CharField(_("professional level"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    card_number = models.CharField(  # noqa: DJ001
        _("union card number"), max_length=30, null=True, blank=True
    )
    employer_name = models.CharField(_("employer"), max_length=255, blank=True)
    # The employer in the enterprise registry, when it is there; employer_name stays the
    # words on the papers (and is filled from the registry when empty).
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("employer (registry)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employees",
    )
    nationality = models.CharField(_("nationality"), max_length=2, default="VN")
    joined_on = models.DateField(_("joined the union on"), null=True, blank=True)
    # Owners and managers of non-state enterprises and cooperatives may not be admitted.
    manages_employer = models.BooleanField(
        _("owner or manager of a non-state enterprise or cooperative"), default=False
    )
    # The current labour contract; the law asks it of foreign workers (12 months or more).
    contract_term = models.CharField(
        _("labour contract"), max_length=10, choices=ContractTerm.choices, blank=True
    )
    contract_months = models.PositiveSmallIntegerField(
        _("contract length (months)"), null=True, blank=True
    )
    # Set when this record was found to be the same person as another and merged into it:
    # the record stays (nothing is deleted) but its spans now belong to `merged_into`.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="merged_records",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(
                fields=["national_id"],
                condition=Q(national_id__isnull=False),
                name="member_national_id_unique",
            ),
            models.UniqueConstraint(
                fields=["card_number"],
                condition=Q(card_number__isnull=False),
                name="member_card_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["search_key"], name="member_search_key"),
            models.Index(fields=["birth_year", "search_key"]),
            models.Index(fields=["birth_date"]),
        ]

    def __str__(self) -> str:
        return self.full_name


class Membership(models.Model):
    """A span of membership in one grassroots union: from `start` up to (not incl.) `end`."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    class StartReason(models.TextChoices):
        ADMITTED = "admitted", _("Admitted")
        READMITTED = "readmitted", _("Re-admitted")
        TRANSFERRED = "transferred", _("Transferred in")
        SUSPENDED = "suspended", _("Suspended")
        RESUMED = "resumed", _("Resumed")
        REORGANISED = "reorganised", _("Unit reorganised")

    class EndReason(models.TextChoices):
        TRANSFERRED = "transferred", _("Transferred out")
        # To a union that does not keep its records here (another province, say): the
        # sending side records where to, in the note.
        TRANSFERRED_AWAY = "transferred_away", _("Transferred outside this system")
        SUSPENDED = "suspended", _("Suspended")
        RESUMED = "resumed", _("Resumed")
        REORGANISED = "reorganised", _("Unit reorganised")
        RETIRED = "retired", _("Retired")
        LEFT_JOB = "left_job", _("Left the job")
        WITHDREW = "withdrew", _("Withdrew")
        EXPELLED = "expelled", _("Expelled")
        UNION_DISSOLVED = "union_dissolved", _("Union dissolved")
        DECEASED = "deceased", _("Deceased")

    # No index of their own: the indexes (member, start) and (unit, start, end) below begin
    # with them and serve the same lookups; two fewer indexes to keep on every write.
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="memberships", db_index=False
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("grassroots union"),
        on_delete=models.PROTECT,
        related_name="memberships",
        db_index=False,
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    start_reason = models.CharField(_("how it began"), max_length=20, choices=StartReason.choices)
    end_reason = models.CharField(
        _("how it ended"), max_length=20, choices=EndReason.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["member_id", "start"]
        constraints = [
            # The database itself refuses a second open span for one person.
            models.UniqueConstraint(
                fields=["member"], condition=Q(end__isnull=True), name="one_open_span_per_member"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=F("start")),
                name="membership_dates_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "start", "end"]),
            models.Index(fields=["member", "start"]),
            models.Index(fields=["start", "start_reason"]),
            models.Index(fields=["end", "end_reason"]),
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.unit.code} [{self.start} – {self.end or '…'})"


LEAVING_REASONS = frozenset(
    {
        Membership.EndReason.RETIRED,
        Membership.EndReason.LEFT_JOB,
        Membership.EndReason.WITHDREW,
        Membership.EndReason.EXPELLED,
        Membership.EndReason.UNION_DISSOLVED,
        Membership.EndReason.DECEASED,
    }
)


class DuplicatePair(models.Model):
    """Two records that may be one person (no national ID to tell), found by name and birth.

    `first` has the lower key, so a pair is stored once whichever record found the other.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("To review")
        DISTINCT = "distinct", _("Different people")
        MERGED = "merged", _("Merged into one record")

    first = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    second = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("name similarity (%)"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    found_at = models.DateTimeField(_("found on"), auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_pair_once"),
            models.CheckConstraint(
                condition=Q(first__lt=F("second")), name="duplicate_pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["status", "found_at"])]

    def __str__(self) -> str:
        return f"{self.first} ~ {self.second} ({self.score}%)"


class TransferRequest(models.Model):
    """A transfer to a grassroots union the sender may not keep records of.

    The member stays where they are until the receiving union accepts; accepting performs the
    transfer on the requested date.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the receiving union")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Withdrawn by the sender")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="transfer_requests")
    # The span the request was made from: if it has ended since, the request is stale.
    span = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    from_unit = models.ForeignKey(
        Unit, verbose_name=_("from"), on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        Unit, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    on = models.DateField(_("from date"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested on"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    answer = models.CharField(_("answer"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("transfer request")
        verbose_name_plural = _("transfer requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status="pending"),
                name="one_pending_transfer_per_member",
            ),
        ]
        indexes = [
            models.Index(fields=["to_unit", "status"]),
            models.Index(fields=["from_unit", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.to_unit.code} ({self.on})"
