"""Tables of the compliance app.

Read models (Party ... RiskLink): fed from the log by the projections in
compliance/projections/; nothing else writes them, and every one can be rebuilt from the log
(``manage.py rebuild_projections``). Queries go through compliance/selectors/.

Matters (Matter, MatterInvestment): the ethical walls, which are access-control settings
kept by admins, not facts about deals, so ordinary tables (see compliance/access.py).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models


class Party(models.Model):
    stream_id = models.CharField(max_length=200, primary_key=True)
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=20)
    country = models.CharField(max_length=2)
    group_parent_id = models.CharField(max_length=200, null=True, blank=True)
    latest_fiscal_year = models.PositiveIntegerField(null=True, blank=True)
    worldwide_turnover_eur = models.DecimalField(
        max_digits=22, decimal_places=2, null=True, blank=True
    )
    eu_turnover_eur = models.DecimalField(max_digits=22, decimal_places=2, null=True, blank=True)
    turnovers = models.JSONField(default=dict)  # by fiscal year, amounts as recorded
    designations = models.JSONField(default=dict)  # by regime
    is_gatekeeper = models.BooleanField(default=False)  # an unrevoked DMA designation
    version = models.PositiveIntegerField()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "parties"

    def __str__(self) -> str:
        return self.name


class InvestmentPosition(models.Model):
    stream_id = models.CharField(max_length=200, primary_key=True)
    investor_id = models.CharField(max_length=200, db_index=True)
    target_id = models.CharField(max_length=200, db_index=True)
    title = models.CharField(max_length=300)
    status = models.CharField(max_length=20)
    equity_pct = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    voting_pct = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    fully_diluted_pct = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    holdings = models.JSONField(default=dict)  # by instrument
    rights = models.JSONField(default=dict)  # right -> count held
    agreements_in_force = models.JSONField(default=list)
    invested_eur = models.DecimalField(max_digits=22, decimal_places=2)
    unconverted = models.JSONField(default=list)  # amounts with no stated EUR rate
    licence_fees_eur = models.DecimalField(max_digits=22, decimal_places=2)
    personnel_hired = models.PositiveIntegerField(default=0)
    roles_hired = models.JSONField(default=list)
    anomalies = models.JSONField(default=list)
    version = models.PositiveIntegerField()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Proceeding(models.Model):
    stream_id = models.CharField(max_length=200, primary_key=True)
    authority = models.CharField(max_length=300, db_index=True)
    legal_basis = models.CharField(max_length=2000)
    kind = models.CharField(max_length=40)
    reference = models.CharField(max_length=200, null=True, blank=True)
    phase = models.CharField(max_length=40)
    status = models.CharField(max_length=20, db_index=True)
    outcome = models.CharField(max_length=40, null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    referral = models.CharField(max_length=20, null=True, blank=True)
    investment_ids = models.JSONField(default=list)
    next_deadline = models.DateField(null=True, blank=True)
    anomalies = models.JSONField(default=list)
    version = models.PositiveIntegerField()

    class Meta:
        ordering = ["authority", "stream_id"]

    def __str__(self) -> str:
        return f"{self.authority} {self.reference or self.stream_id}"


class Deadline(models.Model):
    """An open due date of a proceeding: a request to answer or a deadline to meet."""

    proceeding_id = models.CharField(max_length=200, db_index=True)
    key = models.CharField(max_length=250)
    kind = models.CharField(max_length=40)
    description = models.TextField()
    due_on = models.DateField(db_index=True)

    class Meta:
        ordering = ["due_on", "proceeding_id", "key"]
        constraints = [
            models.UniqueConstraint(fields=["proceeding_id", "key"], name="deadline_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.due_on} {self.description}"


class TimelineEntry(models.Model):
    """One event in the merged timeline of an investment: its own and its proceedings'."""

    investment_id = models.CharField(max_length=200, db_index=True)
    stream_id = models.CharField(max_length=200, db_index=True)
    event_id = models.UUIDField()
    version = models.PositiveIntegerField()
    position = models.BigIntegerField(null=True, blank=True)
    type = models.CharField(max_length=100)
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    summary = models.CharField(max_length=500)
    corrected = models.BooleanField(default=False)

    class Meta:
        ordering = ["occurred_at", "stream_id", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["investment_id", "event_id"], name="timeline_unique_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d} {self.summary}"


class RiskDeal(models.Model):
    """The events one investment's current findings were evaluated over: once per deal, since
    every regime's finding cites the same ones (a rebuild wrote them ten times, a third of its
    bytes). Read through ``RiskFinding.event_ids``."""

    investment_id = models.CharField(max_length=200, unique=True)
    event_ids = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"{self.investment_id}: {len(self.event_ids)} events"


class RiskFindingManager(models.Manager["RiskFinding"]):
    """Every finding read comes with the events its deal cites (one indexed subquery)."""

    def get_queryset(self) -> models.QuerySet[RiskFinding]:
        cited = RiskDeal.objects.filter(investment_id=models.OuterRef("investment_id"))
        return (
            super()
            .get_queryset()
            .annotate(
                cited_event_ids=models.Subquery(
                    cited.values("event_ids")[:1], output_field=models.JSONField()
                )
            )
        )


class RiskFinding(models.Model):
    """The current finding of one regime for one investment (compliance/rules). The events it
    used (``event_ids``) are its deal's, kept once per deal in ``RiskDeal`` and read with it."""

    investment_id = models.CharField(max_length=200)  # indexed by risk_one_per_regime
    regime = models.CharField(max_length=50)
    status = models.CharField(max_length=30)
    score = models.PositiveSmallIntegerField()
    rationale = models.TextField()
    citation = models.TextField()
    comparisons = models.JSONField(default=list)
    missing = models.JSONField(default=list)
    pack_id = models.CharField(max_length=100)
    pack_version = models.CharField(max_length=50)
    context_only = models.BooleanField(default=False)
    as_of = models.DateField()
    # Whether it used the deal's facts: a regime with no rule pack in force used none.
    cites_deal = models.BooleanField(default=True)
    # Where the authority's case stands ("" where none is on file) and the decision followed.
    procedure = models.CharField(max_length=30, default="", blank=True)
    decision_event_id = models.CharField(max_length=64, default="", blank=True)

    objects = RiskFindingManager()

    class Meta:
        ordering = ["investment_id", "regime"]
        constraints = [
            models.UniqueConstraint(fields=["investment_id", "regime"], name="risk_one_per_regime")
        ]
        # Few indexes: a rebuild writes ten rows per investment, and each index is paid there.
        indexes = [models.Index(fields=["status"], name="risk_finding_status")]

    def __str__(self) -> str:
        return f"{self.investment_id} {self.regime}: {self.status}"

    @property
    def event_ids(self) -> list[str]:
        """The events the finding used: its deal's (``cited_event_ids``, read with every
        finding by the default manager; set directly on a finding evaluated on the fly)."""
        cited = self.__dict__.get("cited_event_ids")
        return list(cited) if cited and self.cites_deal else []

    @event_ids.setter
    def event_ids(self, value: list[str]) -> None:
        self.__dict__["cited_event_ids"] = list(value)


class RiskLink(models.Model):
    """Which investments a party or proceeding stream concerns: the risk projection's index
    of what to re-evaluate when that stream changes."""

    stream_id = models.CharField(max_length=200)  # indexed by risk_link_unique
    investment_id = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stream_id", "investment_id"], name="risk_link_unique")
        ]
        indexes = [models.Index(fields=["investment_id"], name="risk_link_investment")]

    def __str__(self) -> str:
        return f"{self.stream_id} -> {self.investment_id}"


class Matter(models.Model):
    """A client matter: the investments it covers and the people staffed on it. A user who
    is not an admin sees and writes only the investments of the matters they are staffed on."""

    code = models.CharField(
        max_length=50,
        unique=True,
        validators=[RegexValidator(r"\A[A-Za-z0-9][A-Za-z0-9._-]*\Z", "Letters, digits, . _ -")],
        help_text="A short stable reference, such as the firm's matter number.",
    )
    name = models.CharField(max_length=200)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="matters", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class MatterInvestment(models.Model):
    """An investment (its stream id) covered by a matter."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="investments")
    investment_id = models.CharField(max_length=200, db_index=True)

    class Meta:
        ordering = ["matter", "investment_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "investment_id"], name="matter_investment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.matter.code}: {self.investment_id}"


# ---------------------------------------------------------------- reports (docs/reports.md)
# Reports, their schedules and subscribers, and deadline reminders: ordinary tables, not
# read models. A report's content is a function of its pins (position, chain hash, as_of,
# known_at, rule pack versions, the investments in scope), so it can be regenerated byte
# for byte; the files are kept under REPORTS_DIR with their SHA-256.


class Report(models.Model):
    """One risk report, pinned to the log. ``matter_code`` None: every matter (admins only)."""

    class Status(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    matter_code = models.CharField(max_length=50, null=True, blank=True, db_index=True)
    investment_ids = models.JSONField(default=list)  # the scope's investments, pinned
    as_of = models.DateField()
    known_at = models.DateTimeField()
    position = models.BigIntegerField(null=True, blank=True)  # pinned when built
    # When it was pinned: the signed checkpoint it cites is the first made by then that
    # covers its position (events.checkpoints.covering), so regenerating it cites the same.
    pinned_at = models.DateTimeField(null=True, blank=True)
    chain_hash = models.CharField(max_length=64, blank=True, default="")
    pack_versions = models.JSONField(default=dict)  # regime -> rule pack version
    formats = models.JSONField(default=list)  # html, pdf, csv
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    schedule = models.ForeignKey(
        "ReportSchedule", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    stage = models.CharField(max_length=100, blank=True, default="")
    error = models.TextField(blank=True, default="")
    task_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    emailed_to = models.JSONField(default=list)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"Report {self.pk} ({self.matter_code or 'all matters'}, as of {self.as_of})"


class ReportFile(models.Model):
    """One rendering of a report: its format, size, SHA-256 and file under REPORTS_DIR."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(max_length=10)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    path = models.CharField(max_length=500)  # relative to REPORTS_DIR

    class Meta:
        ordering = ["report", "format"]
        constraints = [
            models.UniqueConstraint(fields=["report", "format"], name="report_file_unique")
        ]

    def __str__(self) -> str:
        return f"{self.report_id}.{self.format}"


class ReportSchedule(models.Model):
    """When to build a report (a django-celery-beat periodic task) and who receives it."""

    name = models.CharField(max_length=200, unique=True)
    matter = models.ForeignKey(
        Matter,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text="Empty: every matter (delivered to the subscribers as admins see it).",
    )
    formats = models.JSONField(default=list)
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="report_schedule",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReportSubscriber(models.Model):
    """A user (their account's address) or a plain address receiving a schedule's reports."""

    schedule = models.ForeignKey(
        ReportSchedule, on_delete=models.CASCADE, related_name="subscribers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    email = models.EmailField(null=True, blank=True)

    class Meta:
        ordering = ["schedule", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, email__isnull=True)
                    | models.Q(user__isnull=True, email__isnull=False)
                ),
                name="subscriber_user_or_email",
            )
        ]

    def __str__(self) -> str:
        return str(self.email or self.user)


class DeadlineReminder(models.Model):
    """A reminder claimed (and sent, in the same transaction) for one deadline at one offset.

    The unique constraint is what makes a reminder go out once: a second run, on any
    worker, cannot claim it again. ``due_on`` is part of the identity: a deadline extended
    in the log is a new due date with reminders of its own, and the old date's pending
    ones never go out because no open deadline has that date any more."""

    proceeding_id = models.CharField(max_length=200)
    deadline_key = models.CharField(max_length=250)
    due_on = models.DateField()
    offset = models.CharField(max_length=20)  # days before ("30", "7", "1") or "overdue"
    sent_on = models.DateField()
    recipients = models.JSONField(default=list)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["proceeding_id", "deadline_key", "due_on", "offset"],
                name="reminder_once_per_offset",
            )
        ]

    def __str__(self) -> str:
        return f"{self.proceeding_id} {self.deadline_key} {self.due_on} ({self.offset})"
