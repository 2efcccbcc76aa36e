"""Writes of the statistics app: imports, releases, exports. Each one audits in its own transaction.

Nothing leaves through these functions except aggregates that passed suppression, DP tables charged
to the ledger, or microdata that pycanon confirmed k-anonymous (security-and-privacy §6).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jisr.accounts.models import Organisation, User
from jisr.audit.services import audit_record
from jisr.common.errors import StateError
from jisr.common.exports import to_csv, to_xlsx
from jisr.statistics import labels
from jisr.statistics.core import ctdc, disclosure, dp, glotip
from jisr.statistics.core.agebands import UNKNOWN
from jisr.statistics.core.htcds import CaseRecord, case_to_htcds
from jisr.statistics.core.kanon import Hierarchy, KAnonymityError, anonymise
from jisr.statistics.core.parsing import MalformedFileError, Rejection, sha256_of
from jisr.statistics.models import (
    IN_FORCE,
    CtdcRecord,
    Dataset,
    GlotipFigure,
    ImportBatch,
    MicrodataRelease,
    PrivacyBudget,
    PrivacyLedgerEntry,
    Release,
    ReleaseApproval,
    ReleaseStatus,
)
from jisr.statistics.selectors import (
    CaseloadQuery,
    Released,
    breakdown,
    breakdowns,
    counted_dimensions,
    fixed_categories,
    local_today,
    ordered,
    require_offered_period,
    shown_rows,
    suppress_counted,
    suppressed_breakdowns,
    value_label,
)

BATCH_SIZE = 5000


def suppression_threshold() -> int:
    return int(getattr(settings, "JISR_STATISTICS_SUPPRESSION_THRESHOLD", disclosure.DEFAULT_THRESHOLD))


# --- Import ------------------------------------------------------------------------------------------


class ImportRejectedError(StateError):
    """Some rows (or a whole file) were rejected: nothing was imported. `rejections` maps file name →
    rejections with line numbers and reasons."""

    def __init__(self, rejections: dict[str, list[Rejection]]):
        self.rejections = rejections
        n = sum(len(v) for v in rejections.values())
        super().__init__(f"{n} rejected row(s); nothing imported")


@dataclass
class ImportReport:
    imported: dict[str, int] = field(default_factory=dict)  # file name → rows
    skipped: list[str] = field(default_factory=list)  # already imported (same SHA-256)
    flagged: dict[str, list[str]] = field(default_factory=dict)  # file → "line n: note"
    unmapped: dict[str, dict[str, int]] = field(default_factory=dict)  # file → category → rows


def _write_rows(model: Any, columns: Sequence[str], batch: ImportBatch, rows: list[tuple[Any, ...]], bar: Any) -> None:
    """Write parsed tuples straight into `model`'s table, in the caller's transaction: PostgreSQL through
    `COPY … FROM STDIN` (psycopg 3), other databases through one prepared `INSERT` run by `executemany`
    in chunks of BATCH_SIZE (no model instance, no per-row query). The batch id is a bound parameter
    (PostgreSQL) or its own UUID hex (SQLite stores UUIDs as 32 hex characters)."""
    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in ("batch_id", *columns))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            pk = batch.pk
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                write = copy.write_row
                for start in range(0, len(rows), BATCH_SIZE):
                    for row in rows[start : start + BATCH_SIZE]:
                        write((pk, *row))
                    bar.update(min(BATCH_SIZE, len(rows) - start))
            return
        batch_value = batch.pk.hex if connection.vendor == "sqlite" else str(batch.pk)
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({names}) VALUES ('{batch_value}', {marks})"  # noqa: S608 — our names, a UUID
        for start in range(0, len(rows), BATCH_SIZE):
            chunk = rows[start : start + BATCH_SIZE]
            cursor.executemany(sql, chunk)
            bar.update(len(chunk))


def import_statistics(
    *, actor: User | None, dataset: str, paths: Sequence[Path], progress: bool = False
) -> ImportReport:
    """Import GLOTIP or CTDC files, all or nothing.

    Every file is parsed before anything is written; a malformed file or any rejected row raises
    ImportRejectedError (with line numbers and reasons) and writes nothing. A file whose SHA-256 was
    imported before is skipped. Rows go in as tuples (COPY on PostgreSQL, executemany elsewhere) inside
    one transaction with the batch record and its audit event.
    """
    from tqdm import tqdm

    if dataset not in Dataset.values:
        raise ValueError(f"unknown dataset {dataset!r}")
    report = ImportReport()
    parsed: list[tuple[Path, str, Any]] = []
    rejections: dict[str, list[Rejection]] = {}
    seen: set[str] = set()
    for path in paths:
        digest = sha256_of(path)
        if digest in seen or ImportBatch.objects.filter(sha256=digest).exists():
            report.skipped.append(path.name)
            continue
        seen.add(digest)
        try:
            result = glotip.parse_file(path) if dataset == Dataset.GLOTIP else ctdc.parse_file(path)
        except MalformedFileError as exc:
            rejections[path.name] = exc.rejections
            continue
        if result.rejections:
            rejections[path.name] = result.rejections
        parsed.append((path, digest, result))
    if rejections:
        raise ImportRejectedError(rejections)
    with transaction.atomic():
        for path, digest, result in parsed:
            flags = getattr(result, "flags", [])
            batch = ImportBatch.objects.create(
                dataset=dataset,
                sha256=digest,
                filename=path.name,
                rows=len(result.rows),
                flagged=len(flags),
                report={
                    "flags": [str(f.line) + ": " + f.note for f in flags],
                    "unmapped": getattr(result, "unmapped_citizenships", {}),
                },
            )
            model, columns = (
                (GlotipFigure, glotip.COLUMNS)
                if dataset == Dataset.GLOTIP
                else (CtdcRecord, [c for c, _source in ctdc.COLUMNS])
            )
            with tqdm(total=len(result.rows), desc=path.name, unit="row", disable=not progress, leave=False) as bar:
                _write_rows(model, columns, batch, result.rows, bar)
            report.imported[path.name] = len(result.rows)
            report.flagged[path.name] = [f"line {f.line}: {f.note}" for f in flags]
            report.unmapped[path.name] = dict(getattr(result, "unmapped_citizenships", {}))
            audit_record(
                actor=actor,
                action="statistics.import",
                target=batch,
                actor_label="" if actor else "command",
                details={"dataset": dataset, "rows": len(result.rows), "flagged": len(flags), "sha256": digest},
            )
    return report


# --- Aggregate exports -------------------------------------------------------------------------------

TABLES = {
    "sex_by_stage": ("sex", "trm_stage"),
    "age_by_sex": ("age_band", "sex"),
    "exploitation_by_sex": ("exploitation", "sex"),
    "nationality_by_sex": ("nationality", "sex"),
}


def _cross(
    query: CaseloadQuery,
    rows_dim: str,
    cols_dim: str,
    row_keys: list[tuple[str, str]] | None = None,
    col_keys: list[tuple[str, str]] | None = None,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[list[int]]]:
    """A two-way table of the caseload: (row keys/labels, column keys/labels, counts). The keys default to
    the breakdowns' own; given keys must hold every value of the caseload."""
    from jisr.statistics.selectors import _SQL_FIELDS, _labels_in_python, caseload

    qs = caseload(query)

    def labels_of(dimension: str) -> dict[object, list[str]]:
        if dimension in _SQL_FIELDS:
            return {pk: [v or UNKNOWN] for pk, v in qs.values_list("pk", _SQL_FIELDS[dimension])}
        return _labels_in_python(qs, dimension)

    r_labels, c_labels = labels_of(rows_dim), labels_of(cols_dim)
    if row_keys is None:
        row_keys = [(k, lab) for k, lab, _n in ordered(rows_dim, breakdown(query, rows_dim))]
    if col_keys is None:
        col_keys = [(k, lab) for k, lab, _n in ordered(cols_dim, breakdown(query, cols_dim))]
    r_index = {k: i for i, (k, _l) in enumerate(row_keys)}
    c_index = {k: j for j, (k, _l) in enumerate(col_keys)}
    cells = [[0] * len(col_keys) for _ in row_keys]
    for pk, rs in r_labels.items():
        for r in rs:
            for c in c_labels.get(pk, []):
                cells[r_index[r]][c_index[c]] += 1
    return row_keys, col_keys, cells


@dataclass(frozen=True)
class CrossTable:
    """A cross-table as exported: `header`, `rows` (unpacks as the pair) and `notes`, the sentences that
    say what the reader must know of it beyond the usual (no case in the period; counts withheld
    wholesale because no safe pattern of some withheld was found)."""

    header: list[str]
    rows: list[list[Any]]
    notes: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[Any]:
        return iter((self.header, self.rows))


TABLE_FORMAT = "jisr-release-table/1"


@dataclass(frozen=True)
class NeutralTable:
    """A suppressed cross-table in no language: the codes of its rows (in the order shown) and columns,
    the counts as released (None where withheld) and the codes of its notes ("no_cases", "withheld_whole").
    What a shared release freezes (`to_bytes`: canonical JSON, its SHA-256 on record), rendered in the
    reader's language at each download (`render`) — so the numbers never change, and nobody gets the file
    in the language of whoever approved last."""

    rows_dimension: str
    columns_dimension: str
    rows: list[str]
    columns: list[str]
    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None
    notes: list[str]

    def to_bytes(self) -> bytes:
        body = {"format": TABLE_FORMAT, **asdict(self)}
        return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> NeutralTable | None:
        """The table frozen in `data`, or None for a file frozen before tables were neutral (a CSV)."""
        if not data.startswith(b"{"):
            return None
        body = json.loads(data)
        if body.pop("format", None) != TABLE_FORMAT:
            raise ValueError("not a frozen table of this version")
        return cls(**body)

    def render(self) -> CrossTable:
        """Header, rows and notes in the active language; a withheld count as the translated marker."""
        mark = labels.withheld()

        def show(v: int | None) -> Any:
            return mark if v is None else v

        header = [
            labels.label(labels.DIMENSIONS, self.rows_dimension),
            *[value_label(self.columns_dimension, code) for code in self.columns],
            _("Total"),
        ]
        body: list[list[Any]] = [
            [value_label(self.rows_dimension, code), *[show(v) for v in cells], show(total)]
            for code, cells, total in zip(self.rows, self.cells, self.row_totals, strict=True)
        ]
        body.append(
            [
                _("All cases") if self.rows_dimension == "exploitation" else _("Total"),
                *[show(v) for v in self.column_totals],
                show(self.total),
            ]
        )
        sentences = {"no_cases": labels.no_cases, "withheld_whole": labels.table_withheld}
        return CrossTable(header, body, tuple(sentences[n]() for n in self.notes))


def _neutral_table(
    rows_dim: str,
    rows: Released,
    columns: Released,
    cells: list[list[int]],
    threshold: int,
    own: Sequence[disclosure.OwnTable] = (),
) -> NeutralTable:
    """A cross-table whose margins are the breakdowns as released everywhere else (withheld in the same
    places: `disclosure.suppress_within`), cells withheld by the same rule. `own`: each contributor's part
    of a pooled table. When suppression finds no safe pattern the core withholds every cell, or the whole
    table (never an error, never an unsafe count): a note says so. A period without cases gives the
    table's rows of zeros (none for nationalities) and a note."""
    result = disclosure.suppress_within(cells, rows.series, columns.series, threshold, own=own)
    notes: list[str] = []
    if rows.series.total == 0:
        notes.append("no_cases")
    if result.fallback or rows.series.fallback or columns.series.fallback:
        notes.append("withheld_whole")
    index = {code: i for i, (code, _l) in enumerate(rows.keys)}
    order = [code for code, _label, _n in shown_rows(rows)]
    return NeutralTable(
        rows_dimension=rows_dim,
        columns_dimension=columns.dimension,
        rows=order,
        columns=[code for code, _l in columns.keys],
        cells=[list(result.cells[index[code]]) for code in order],
        row_totals=[result.row_totals[index[code]] for code in order],
        column_totals=list(result.column_totals),
        total=result.total,
        notes=notes,
    )


def _notes(table: str, start: dt.date, last_day: dt.date, extra: Sequence[str] = ()) -> list[list[Any]]:
    """The notes of an exported table, one sentence a row, for the "Notes" sheet of an XLSX file (a CSV
    file holds the table alone, so that a program reads it as it is; README says what the marker means).
    `extra`: the table's own notes (`CrossTable.notes`)."""
    notes: list[list[Any]] = [
        [labels.label(labels.TABLES, table)],
        [labels.period(start, last_day)],
        *([note] for note in extra),
        [labels.withheld_note(suppression_threshold())],
    ]
    if TABLES[table][0] == "exploitation":
        notes.append([labels.multiple_forms()])
    return notes


def suppressed_table(query: CaseloadQuery, table: str) -> CrossTable:
    """Header and rows of a cross-table with margins, small cells and their complements withheld.

    The margins are the one-way breakdowns exactly as the dashboard and the API release them (withheld in
    the same places). Exploitation counts a case once per form: its "All cases" row counts cases (as
    every other breakdown), not mentions, so its cells can add up to more.
    """
    rows_dim, cols_dim = TABLES[table]
    threshold = suppression_threshold()
    released = suppressed_breakdowns(query, (rows_dim, cols_dim), threshold)
    rows, columns = released[rows_dim], released[cols_dim]
    _r, _c, cells = _cross(query, rows_dim, cols_dim, rows.keys, columns.keys)
    return _neutral_table(rows_dim, rows, columns, cells, threshold).render()


def export_aggregate(*, actor: User, organisation: Organisation, table: str, fmt: str, query: CaseloadQuery) -> bytes:
    """The suppressed table as CSV (UTF-8 with BOM) or XLSX (right-to-left in Arabic). Audited.

    CSV: the header row and the table's rows, nothing else (no footnote row that a program would read
    as data); what the marker means is on the exports page and in README. XLSX: the table on the first
    sheet, the same notes as one sentence a row on a second sheet, "Notes" in the reader's language."""
    from django.utils import translation

    if table not in TABLES or fmt not in ("csv", "xlsx"):
        raise ValueError("unknown table or format")
    require_offered_period(actor, organisation, query)
    crossed = suppressed_table(query, table)
    header, rows = crossed
    if fmt == "csv":
        data = to_csv(header, rows)
    else:
        notes = _notes(table, query.start, query.end - dt.timedelta(days=1), getattr(crossed, "notes", ()))
        data = to_xlsx(
            {table: (header, rows), _("Notes"): ([_("Notes")], notes)}, rtl=bool(translation.get_language_bidi())
        )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="statistics.export",
            organisation=organisation,
            details={
                "table": table,
                "format": fmt,
                "start": query.start.isoformat(),
                "end": query.end.isoformat(),
                "sha256": hashlib.sha256(data).hexdigest(),
            },
        )
    return data


# --- Differentially private tables -------------------------------------------------------------------


@transaction.atomic
def dp_release(
    *, actor: User, organisation: Organisation, dimension: str, query: CaseloadQuery, epsilon: Decimal
) -> tuple[bytes, PrivacyLedgerEntry]:
    """An ε-DP one-way table (a disjoint breakdown: each case in one cell), charged to the organisation's
    ledger. Raises dp.BudgetExceededError (nothing released, nothing charged) when over budget,
    PeriodNotOfferedError for an analyst's period that is not one of her quarters.

    The rows are every category of the dimension (`selectors.fixed_categories`: every stage, sex, age
    band, every country), in an order fixed in advance, each with its noisy count: rows ordered by the
    true counts, or only the categories that occur, would tell exactly — whatever ε — which is largest
    and that the one case of a rare nationality is there. A case whose code is in no row (none should
    be) is left out: each case still counts in one cell at most."""
    if dimension not in ("trm_stage", "sex", "age_band", "ctdc_age", "nationality"):
        raise ValueError("DP tables are offered for breakdowns in which each case is in one cell")
    require_offered_period(actor, organisation, query)
    budget = _lock_releases(organisation)
    spent = sum((e.epsilon for e in PrivacyLedgerEntry.objects.filter(organisation=organisation)), Decimal(0))
    dp.charge(total=budget.total_epsilon, spent=spent, epsilon=epsilon)
    counts = breakdown(query, dimension)
    rows = [(code, label, counts.get(code, 0)) for code, label in fixed_categories(dimension)]
    table = dp.noisy_counts([n for _k, _l, n in rows], epsilon)
    # ε and the accuracy as columns (the same on every row), not as a footnote row a program would read
    # as a category.
    header = [_("Category"), _("Count (ε-DP)"), "ε", _("Margin: 95 counts in 100 are within ± this of the truth")]
    accuracy = round(table.accuracy_95, 1)
    body: list[list[Any]] = [
        [label, v, str(epsilon), accuracy] for (_k, label, _n), v in zip(rows, table.counts, strict=True)
    ]
    data = to_csv(header, body)
    entry = PrivacyLedgerEntry.objects.create(
        organisation=organisation,
        released_by=actor,
        table=dimension,
        epsilon=epsilon,
        file_sha256=hashlib.sha256(data).hexdigest(),
    )
    audit_record(
        actor=actor,
        action="statistics.dp_release",
        organisation=organisation,
        target=entry,
        details={
            "table": dimension,
            "epsilon": str(epsilon),
            "spent": str(spent + epsilon),
            "budget": str(budget.total_epsilon),
        },
    )
    return data, entry


# --- k-anonymous microdata ---------------------------------------------------------------------------

MICRODATA_QIS = ("prs_Gender", "prs_AgeBand", "prs_Citizenship", "year", "vic_TypeOfExploitation", "cas_Status")
"""Every column of a microdata file is a quasi-identifier: the forms of exploitation and the status too (a
single case of forced marriage, published as it is, is that case — the tables withhold it), generalised or
suppressed with the others so that k holds over the whole row."""

# Forms of exploitation (HTCDS codes) by family, the first generalisation of a case's set of forms.
_EXPLOITATION_FAMILIES = {
    "SexualExploitation": "Sexual",
    "ForcedLabour": "Labour",
    "ChildLabour": "Labour",
    "Servitude": "Labour",
    "ForcedBegging": "Labour",
    "ForcedMilitaryByNonStateActors": "Labour",
}


def _hierarchies(values: dict[str, list[str]]) -> dict[str, Hierarchy]:
    from jisr.statistics.core.agebands import JISR_BANDS

    def age_level1(label: str) -> str:
        if label == UNKNOWN:
            return UNKNOWN
        low = int(label.split("-")[0].rstrip("+"))
        return "0-17" if low < 18 else "18+"

    def region(code: str) -> str:
        if code in ("", UNKNOWN):
            return UNKNOWN
        return {"MA": "MA", "ES": "ES"}.get(code, "Other")

    def period(year: str) -> str:
        y = int(year)
        return f"{y - y % 5}-{y - y % 5 + 4}"

    def family(forms: str) -> str:
        """A case's forms ("ForcedLabour;Servitude") as one family: Sexual, Labour, Other, Several, None."""
        families = {_EXPLOITATION_FAMILIES.get(f, "Other") for f in forms.split(";") if f}
        return "None" if not families else families.pop() if len(families) == 1 else "Several"

    def closed(status: str) -> str:
        return "Closed" if status.startswith("Closed") else status

    assert {b.label for b in JISR_BANDS}  # the labels age_level1 parses
    return {
        "prs_Gender": Hierarchy.from_function(
            sorted(set(values["prs_Gender"])), lambda g: g if g in ("Feminine", "Masculine") else "Other/unknown"
        ),
        "prs_AgeBand": Hierarchy.from_function(sorted(set(values["prs_AgeBand"])), age_level1),
        "prs_Citizenship": Hierarchy.from_function(sorted(set(values["prs_Citizenship"])), region),
        "year": Hierarchy.from_function(sorted(set(values["year"])), period),
        "vic_TypeOfExploitation": Hierarchy.from_function(sorted(set(values["vic_TypeOfExploitation"])), family),
        "cas_Status": Hierarchy.from_function(sorted(set(values["cas_Status"])), closed),
    }


def pycanon_k(rows: list[dict[str, str]], qis: Sequence[str]) -> int:
    """k as measured by pycanon (IFCA/CSIC), independent of our own anonymiser."""
    import pandas as pd
    from pycanon import anonymity

    return int(anonymity.k_anonymity(pd.DataFrame(rows), list(qis)))


def case_records(organisation: Organisation, query: CaseloadQuery) -> list[CaseRecord]:
    from jisr.statistics.selectors import _labels_in_python, caseload

    qs = caseload(query)
    bands = _labels_in_python(qs, "age_band")
    out = []
    for pk, sex, nat, types, status, reason, stage, opened, closed in qs.values_list(
        "pk",
        "person__sex",
        "person__nationality",
        "exploitation_types",
        "status",
        "closure_reason",
        "trm_stage",
        "opened_on",
        "closed_on",
    ):
        record = CaseRecord(
            sex=sex,
            nationality=nat or "",
            age=None,
            exploitation_types=tuple(types),
            status=status,
            closure_reason=reason,
            trm_stage=stage,
            opened_on=opened,
            closed_on=closed,
        )
        out.append(record)
        record.extra["age_band"] = bands[pk][0]
    return out


class OverlappingReleaseError(StateError):
    """A microdata file for a period that overlaps one already released, or is the same (`same`): refused.
    Two files of the same cases — another k, other generalisations — could be lined up to single out the
    cases the generalisation hides; two of overlapping periods differ by the few cases in between."""

    def __init__(self, message: str, *, same: bool = False):
        self.same = same
        super().__init__(message)


def _lock_releases(organisation: Organisation) -> PrivacyBudget:
    """Serialise the releases of `organisation` (DP tables, microdata): its privacy-budget row, locked
    for the caller's transaction, and returned."""
    budget, _created = PrivacyBudget.objects.get_or_create(organisation=organisation)
    return PrivacyBudget.objects.select_for_update().get(pk=budget.pk)


def _refuse_overlap(organisation: Organisation, query: CaseloadQuery) -> None:
    """OverlappingReleaseError if a microdata file was released for `query`'s period (`same`) or one that
    overlaps it (with whole quarters only the same quarter can; the rest holds the line should the periods
    offered ever change, e.g. to years after quarters were released). One file per period: the first,
    recorded and audited, is the one there is."""
    overlapping = MicrodataRelease.objects.filter(organisation=organisation, start__lt=query.end, end__gt=query.start)
    if overlapping.filter(start=query.start, end=query.end).exists():
        raise OverlappingReleaseError("a microdata file was released for this period", same=True)
    if overlapping.exists():
        raise OverlappingReleaseError("a microdata file was released for an overlapping period")


def minimum_k() -> int:
    """The smallest k a microdata file may have: the suppression threshold of the tables (a class of fewer
    records would publish what the tables withhold)."""
    return suppression_threshold()


def export_microdata(
    *,
    actor: User,
    organisation: Organisation,
    query: CaseloadQuery,
    k: int = 11,
    max_suppression: float = 0.05,
    checker: Callable[[list[dict[str, str]], Sequence[str]], int] = pycanon_k,
) -> bytes:
    """HTCDS microdata (one row per case: gender, age band, citizenship, year opened, forms of exploitation,
    case status) made k-anonymous over all of them (MICRODATA_QIS) and confirmed by pycanon before any
    byte is returned; the rows in a cryptographically random order (never the order of the cases).

    Raises ValueError for k below the tables' suppression threshold (`minimum_k`), KAnonymityError
    (nothing written) when k cannot be met or the independent check disagrees, PeriodNotOfferedError when
    the period is not one of the actor's quarters, OverlappingReleaseError when a file was released for
    the same period or an overlapping one. Recorded in the organisation's microdata ledger
    (`MicrodataRelease`) and audited.
    """
    if k < minimum_k():
        raise ValueError(f"k must be at least {minimum_k()}")
    require_offered_period(actor, organisation, query)
    _refuse_overlap(organisation, query)
    records = case_records(organisation, query)
    rows = []
    for r in records:
        h = case_to_htcds(r)
        rows.append(
            {
                "prs_Gender": str(h["prs_Gender"]),
                "prs_AgeBand": r.extra["age_band"],
                "prs_Citizenship": ";".join(h["prs_Citizenship"]) or UNKNOWN,
                "year": str(r.opened_on.year),
                "vic_TypeOfExploitation": ";".join(h["vic_TypeOfExploitation"]),
                "cas_Status": str(h["cas_Status"]),
            }
        )
    columns = {q: [row[q] for row in rows] for q in MICRODATA_QIS}
    if len(rows) < k:
        raise KAnonymityError(
            f"{len(rows)} records: fewer than k = {k}, no release possible", reason="too_few", k=k, records=len(rows)
        )
    result = anonymise(columns, _hierarchies(columns), k=k, max_suppression=max_suppression)
    kept_rows = [row for row, keep in zip(rows, result.kept.tolist(), strict=True) if keep]
    for q in MICRODATA_QIS:
        for row, value in zip(kept_rows, result.columns[q], strict=True):
            row[q] = value
    measured = checker(kept_rows, MICRODATA_QIS) if kept_rows else 0
    if measured < k:
        raise KAnonymityError(f"pycanon measures k = {measured} < {k}: export refused", reason="check", k=k,
                              measured=measured)
    secrets.SystemRandom().shuffle(kept_rows)  # no order to line two files up by, nor the cases' order
    header = list(MICRODATA_QIS)
    data = to_csv(header, ([row[h] for h in header] for row in kept_rows))
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        _lock_releases(organisation)
        _refuse_overlap(organisation, query)  # again, under the lock: two exports at once
        entry = MicrodataRelease.objects.create(
            organisation=organisation,
            released_by=actor,
            start=query.start,
            end=query.end,
            k=k,
            rows=len(kept_rows),
            file_sha256=digest,
        )
        audit_record(
            actor=actor,
            action="statistics.microdata_export",
            organisation=organisation,
            target=entry,
            details={
                "k": k,
                "k_measured": measured,
                "rows": len(kept_rows),
                "suppressed": result.suppressed,
                "levels": result.levels,
                "start": query.start.isoformat(),
                "end": query.end.isoformat(),
                "sha256": digest,
            },
        )
    return data


# --- Multi-organisation releases (GBVIMS) ------------------------------------------------------------


class ReleaseYearNotOverError(StateError):
    """A shared release of a calendar year that is not over: refused, nothing stored. A table of a year
    still running changes as cases are entered, and two copies of it single out the new cases."""

    def __init__(self, year: int, last: int):
        self.year, self.last = year, last
        super().__init__(f"{year} is not over; the last year that can be released is {last}")


class DuplicateReleaseError(StateError):
    """A release of the same table, year and contributors exists (pending or approved): refused, nothing
    stored. The first one is the one everyone gets, so that no two snapshots of a year can be differenced."""

    def __init__(self, existing: Release):
        self.existing = existing
        super().__init__("a release of this table, year and contributors exists")


class ContributorTakenError(StateError):
    """The acting organisation (the one requesting, or the one approving) already takes part in a release
    in force of the same year that is of the same table or of other organisations: refused, nothing
    stored. Two releases of a year sharing some contributors and not others can be subtracted: {MA, ES}
    minus {MA} is ES's table, and since every table of a year has the number of cases (and the tables
    share their margins: sex, stage), the same holds between tables. So an organisation takes part in one
    release per table and year, and in the releases of a year always with the same organisations.

    An organisation takes part in a release once it has committed to it: requested it, or approved it. A
    request naming it does not (`_taken_contributor`): otherwise any organisation could block another's
    releases for a year by naming it, and the refusal would tell the requester where the other takes part.
    Two releases that conflict through an organisation can then both be requested, but never both
    approved: that organisation's second approval is refused. `existing` is the release in the way (one of
    `organisation`'s own), `organisation` the acting organisation."""

    def __init__(self, existing: Release, organisation: Organisation):
        self.existing, self.organisation = existing, organisation
        super().__init__("the organisation already takes part in a release of this year with others")


class ReleaseNotPendingError(StateError):
    """A release that no longer waits for approvals (approved, declined or withdrawn) cannot be withdrawn
    or declined; a declined or withdrawn one cannot be approved. Refused, nothing stored."""

    def __init__(self, release: Release):
        self.release = release
        super().__init__(f"the release is {release.status}")


class ReleaseNotDisclosableError(StateError):
    """The pooled table of a release cannot be published safely: suppression found no way to withhold its
    small counts (and the counts a contributor would learn of the others) without one of them being worked
    out from the counts the table must publish — its margins, which are the year's breakdowns as released
    (core.disclosure.SuppressionError, security-and-privacy §6: nothing is released rather than a
    recoverable count). Refused, nothing stored: the approval that would have frozen the table is not
    recorded and the release stays pending. `release` is the release refused (its table and year, no
    count: the message of the refusal must not say which count was at stake)."""

    def __init__(self, release: Release):
        self.release = release
        super().__init__("the pooled table cannot be released without exposing a withheld count")


def last_completed_year(contributors: Sequence[Organisation] = ()) -> int:
    """The last calendar year that is over in the instance's time zone and in the calendar of every
    contributor (a year is not over for an organisation whose 31 December is still running)."""
    today = timezone.localdate(timezone=timezone.get_default_timezone())
    return min([today.year, *(local_today(org).year for org in contributors)]) - 1


def _require_completed_year(year: int, contributors: Sequence[Organisation]) -> None:
    last = last_completed_year(contributors)
    if year > last:
        raise ReleaseYearNotOverError(year, last)


def _existing_release(table: str, year: int, contributors: Sequence[Organisation]) -> Release | None:
    """The release in force (pending or approved) of `table` and `year` whose contributors are exactly
    `contributors`, if any (every contributor sees it in its list). A declined or withdrawn release frees
    the table, year and contributors for a new request."""
    wanted = {org.pk for org in contributors}
    candidates = Release.objects.filter(table=table, year=year, status__in=IN_FORCE).prefetch_related("contributors")
    for release in candidates:
        if {org.pk for org in release.contributors.all()} == wanted:
            return release
    return None


def _taken_contributor(
    table: str,
    year: int,
    contributors: Sequence[Organisation],
    organisation: Organisation,
    exclude: Release | None = None,
) -> ContributorTakenError | None:
    """The refusal of `organisation`'s request (or approval) of a release of `table`, `year` and
    `contributors` when `organisation` has committed — requested or approved — to another release in
    force of `year` that is of the same table, or whose contributors are not exactly `contributors` (an
    exact duplicate is refused apart): releases of one year are then never of overlapping, different groups
    of organisations, and never two of one table for an organisation. Only `organisation`'s own
    commitments are looked at: a request of others naming it binds it to nothing, and no refusal tells
    anything of where other organisations take part (ContributorTakenError). `exclude`: the release being
    approved."""
    wanted = {org.pk for org in contributors}
    candidates = (
        Release.objects.filter(year=year, status__in=IN_FORCE)
        .filter(Q(organisation=organisation) | Q(approvals__organisation=organisation))
        .exclude(pk=exclude.pk if exclude is not None else None)
        .distinct()
        .order_by("created_at", "pk")
        .prefetch_related("contributors")
    )
    for release in candidates:
        if release.table == table or {org.pk for org in release.contributors.all()} != wanted:
            return ContributorTakenError(release, organisation)
    return None


def _lock_organisations(pks: set[Any]) -> None:
    """Lock the rows of the organisations `pks` for the caller's transaction, in the order of their keys
    (two transactions cannot wait for each other). FOR NO KEY UPDATE: serialises requests and approvals
    without holding up the inserts that refer to an organisation (FOR KEY SHARE)."""
    list(Organisation.objects.select_for_update(no_key=True).filter(pk__in=pks).order_by("pk").values_list("pk"))


@transaction.atomic
def release_request(*, actor: User, table: str, year: int, contributors: Sequence[Organisation]) -> Release:
    """Ask every contributing organisation to approve a pooled table. The requester's organisation must be
    one of them (ValueError otherwise, or for an unknown table or a year before 1).

    Of a calendar year that is over only (ReleaseYearNotOverError), and once: DuplicateReleaseError while a
    release of the same table, year and contributors exists. ContributorTakenError when the requesting
    organisation already takes part (requested or approved) in another release of the year that is of the
    same table or of other organisations (`_taken_contributor`: such releases could be subtracted from each
    other); the other organisations named are not bound by the request until they approve it, and may
    decline it (`release_withdraw`). Requests and approvals that share an organisation are serialised (the
    organisations' rows, locked in order), so two at once cannot both pass these checks."""
    org = actor.organisation
    if org is None or org not in contributors:
        raise ValueError("the requesting organisation must contribute")
    if table not in TABLES:
        raise ValueError("unknown table")
    if year < 1:
        raise ValueError("no such year")
    _require_completed_year(year, contributors)
    _lock_organisations({o.pk for o in contributors})
    existing = _existing_release(table, year, contributors)
    if existing is not None:
        raise DuplicateReleaseError(existing)
    taken = _taken_contributor(table, year, contributors, org)
    if taken is not None:
        raise taken
    release = Release.objects.create(requested_by=actor, organisation=org, table=table, year=year)
    release.contributors.set(contributors)
    audit_record(
        actor=actor,
        action="statistics.release_request",
        organisation=org,
        target=release,
        details={"table": table, "year": year, "contributors": len(contributors)},
    )
    return release


def _freeze(release: Release) -> dict[str, str]:
    """Compute the release's table once and store it with the release (the caller holds its row locked),
    in no language (`NeutralTable`); the details the audit records: when, and the SHA-256 of the frozen
    table every download is rendered from.
    ReleaseYearNotOverError if its year is not over (a release requested before this rule),
    ReleaseNotDisclosableError if its table cannot be suppressed safely (nothing stored: the caller's
    transaction is rolled back by the exception)."""
    contributors = list(release.contributors.all())
    _require_completed_year(release.year, contributors)
    try:
        data = _pooled_table(release.table, release.year, contributors)
    except disclosure.SuppressionError as exc:
        raise ReleaseNotDisclosableError(release) from exc
    release.content = data
    release.content_sha256 = hashlib.sha256(data).hexdigest()
    release.frozen_at = timezone.now()
    release.save(update_fields=["content", "content_sha256", "frozen_at", "updated_at"])
    return {"frozen_at": release.frozen_at.isoformat(), "sha256": release.content_sha256}


@transaction.atomic
def release_approve(*, actor: User, release: Release) -> Release:
    """Record the approval of the actor's organisation (coordinators only); the release is approved when
    every contributor has approved, and its table is then computed and stored, once (`_freeze`): later
    entries and corrections do not change it. The audit event of that last approval records when the
    table was frozen and its SHA-256. ReleaseYearNotOverError (nothing recorded) if that last approval
    comes before the year is over (a release requested before years had to be over);
    ReleaseNotDisclosableError (nothing recorded, the release stays pending, no audit event: a refusal
    writes nothing, as every refusal of this module) if the table cannot pass its suppression check.
    ContributorTakenError (nothing recorded) if the actor's organisation already takes part in a release
    of the year that conflicts with this one (`_taken_contributor`: two such releases are never both
    approved); ReleaseNotPendingError for a declined or withdrawn release. ValueError for an actor who is
    not a coordinator of a contributing organisation."""
    org = actor.organisation
    if org is None or actor.role != "coordinator" or not release.contributors.filter(pk=org.pk).exists():
        raise ValueError("only a coordinator of a contributing organisation may approve")
    _lock_organisations({org.pk})  # this organisation's commitments, checked and made one at a time
    release = Release.objects.select_for_update().get(pk=release.pk)  # one last approval freezes it, once
    if release.status not in IN_FORCE:
        raise ReleaseNotPendingError(release)
    if not release.approvals.filter(organisation=org).exists():
        taken = _taken_contributor(release.table, release.year, list(release.contributors.all()), org, release)
        if taken is not None:
            raise taken
    ReleaseApproval.objects.get_or_create(release=release, organisation=org, defaults={"approved_by": actor})
    details: dict[str, Any] = {}
    if release.approvals.count() == release.contributors.count():
        if release.content is None:
            details = _freeze(release)
        if release.status != ReleaseStatus.APPROVED:
            release.status = ReleaseStatus.APPROVED
            release.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="statistics.release_approve",
        organisation=org,
        target=release,
        details={"status": release.status, **details},
    )
    return release


@transaction.atomic
def release_withdraw(*, actor: User, release: Release) -> Release:
    """End a release waiting for approvals, so that it is never published and frees its table, year and
    organisations: withdrawn by the requesting organisation (its analysts and coordinators), declined by
    another contributing organisation (its coordinators), approved by it or not — a request of others
    binds an organisation to nothing. Audited (statistics.release_withdraw or statistics.release_decline:
    the table and year, nothing of the counts). ReleaseNotPendingError (nothing stored) once it is
    approved, declined or withdrawn; ValueError for an actor who may not."""
    org = actor.organisation
    if org is None or not release.contributors.filter(pk=org.pk).exists():
        raise ValueError("only a contributing organisation may withdraw or decline")
    requester = release.organisation_id == org.pk
    if actor.role != "coordinator" and not (requester and actor.role == "analyst"):
        raise ValueError("the requesting organisation withdraws, a contributor's coordinator declines")
    release = Release.objects.select_for_update().get(pk=release.pk)
    if release.status != ReleaseStatus.PENDING:
        raise ReleaseNotPendingError(release)
    release.status = ReleaseStatus.WITHDRAWN if requester else ReleaseStatus.DECLINED
    release.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="statistics.release_withdraw" if requester else "statistics.release_decline",
        organisation=org,
        target=release,
        details={"table": release.table, "year": release.year, "status": release.status},
    )
    return release


def _pooled_table(table: str, year: int, contributors: Sequence[Organisation]) -> bytes:
    """The pooled, suppressed cross-table of `contributors`' caseloads in calendar year `year`, in no
    language (`NeutralTable.to_bytes`): what a release freezes.

    Every contributor knows its own counts: a pooled count (cell or margin) is withheld too where, for
    some contributor, it minus that contributor's own is small — a pooled 15 of which MA has 12 would
    tell MA that the others have 3 — and the complements protect what each contributor works out of
    the others as they protect the counts (core.disclosure's notes: contributor subtraction, the idea of
    the (n, k)-dominance and p% rules)."""
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    rows_dim, cols_dim = TABLES[table]
    threshold = suppression_threshold()
    queries = [CaseloadQuery(org.pk, start, end) for org in contributors]
    # The pooled breakdowns are suppressed as one caseload, so that every pooled table of the same year
    # and contributors withholds its margins in the same places.
    counted = [breakdowns(query, counted_dimensions((rows_dim, cols_dim))) for query in queries]
    pooled: dict[str, dict[str, int]] = {}
    for counts in counted:
        for dim, by_code in counts.items():
            for code, n in by_code.items():
                pooled.setdefault(dim, {})[code] = pooled.get(dim, {}).get(code, 0) + n
    released = suppress_counted(pooled, (rows_dim, cols_dim), threshold, own=counted)
    rows, columns = released[rows_dim], released[cols_dim]
    cells = [[0] * len(columns.keys) for _ in rows.keys]
    parts: list[disclosure.OwnTable] = []
    for query, counts in zip(queries, counted, strict=True):
        _r, _c, own = _cross(query, rows_dim, cols_dim, rows.keys, columns.keys)
        cells = [[a + b for a, b in zip(x, y, strict=True)] for x, y in zip(cells, own, strict=True)]
        own_rows = [counts.get(rows_dim, {}).get(code, 0) for code, _l in rows.keys]
        own_columns = [counts.get(cols_dim, {}).get(code, 0) for code, _l in columns.keys]
        parts.append((own, own_rows, own_columns, sum(counts.get("trm_stage", {}).values())))
    return _neutral_table(rows_dim, rows, columns, cells, threshold, own=parts).to_bytes()


@transaction.atomic
def release_file(*, actor: User, release: Release) -> bytes:
    """The table of an approved release (CSV): the numbers frozen when it was approved, whatever was
    entered or corrected since, written in the active language (the downloader's): the same bytes at every
    download in one language. A release frozen before tables were kept in no language gives its stored
    CSV as it is. StateError while approvals are missing. A release approved before tables were stored is
    frozen at its first download if its year is over (ReleaseYearNotOverError otherwise;
    ReleaseNotDisclosableError, nothing stored nor audited, if the table cannot pass its suppression
    check). Audited: the SHA-256 of the frozen table (`sha256`) and of the file given (`file_sha256`)."""
    from django.utils import translation

    if release.status != ReleaseStatus.APPROVED:
        raise StateError("every contributing organisation must approve first")
    release = Release.objects.select_for_update().get(pk=release.pk)
    details: dict[str, Any] = {}
    if release.content is None:
        details = {**_freeze(release), "frozen_now": True}
    frozen = bytes(release.content)
    table = NeutralTable.from_bytes(frozen)
    data = frozen if table is None else to_csv(*table.render())
    audit_record(
        actor=actor,
        action="statistics.release_download",
        target=release,
        details={
            "sha256": hashlib.sha256(frozen).hexdigest(),
            "file_sha256": hashlib.sha256(data).hexdigest(),
            "language": translation.get_language() or "",
            "frozen_at": release.frozen_at.isoformat() if release.frozen_at else None,
            **details,
        },
    )
    return data


# --- Donor report ------------------------------------------------------------------------------------


DONOR_DIMENSIONS = ("trm_stage", "sex", "age_band", "exploitation")


def donor_indicators(organisation: Organisation, query: CaseloadQuery) -> dict[str, Any]:
    """The organisation's indicators for a donor: caseload, new cases, closures by reason, breakdowns —
    every count suppressed below the threshold."""
    from jisr.statistics.selectors import caseload

    qs = caseload(query)
    threshold = suppression_threshold()
    mark = labels.withheld()
    new = qs.filter(opened_on__gte=query.start).count()
    closed = qs.filter(closed_on__isnull=False, closed_on__lt=query.end).count()
    released = suppressed_breakdowns(query, DONOR_DIMENSIONS, threshold)
    sections = {
        labels.label(labels.DIMENSIONS, dim): [
            (labels.isolated(label), mark if n is None else n) for _code, label, n in shown_rows(released[dim])
        ]
        for dim in DONOR_DIMENSIONS
    }

    def safe(n: int | None) -> Any:
        return mark if n is None or disclosure.is_small(n, threshold) else n

    withheld_whole = [
        labels.label(labels.DIMENSIONS, dim) for dim in DONOR_DIMENSIONS if released[dim].series.fallback
    ]
    return {
        "notes": [f"{dim}: {labels.table_withheld()}" for dim in withheld_whole],
        "caseload": safe(released["trm_stage"].series.shown_total),
        "new": safe(new),
        "closed": safe(closed),
        "sections": sections,
        "threshold": threshold,
        "withheld_note": labels.withheld_note(threshold),
        "start": query.start,
        "end": query.end - dt.timedelta(days=1),
        "period_sentence": labels.period(query.start, query.end - dt.timedelta(days=1)),
    }


def donor_report(*, actor: User, organisation: Organisation, query: CaseloadQuery, language: str) -> bytes:
    """The donor report (PDF) of `query`'s period; for an analyst one of her quarters only
    (PeriodNotOfferedError otherwise). Audited."""
    from jisr.common.pdf import render_pdf

    require_offered_period(actor, organisation, query)
    context = {"organisation": organisation, **donor_indicators(organisation, query)}
    data = render_pdf("statistics/donor_report.html", context, language=language)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="statistics.donor_report",
            organisation=organisation,
            details={"sha256": hashlib.sha256(data).hexdigest()},
        )
    return data
