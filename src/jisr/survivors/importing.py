"""Reading an existing register (CSV or XLSX) into validated rows, ready for `person_register`.

Nothing here writes. `read_sheet` turns a file into rows numbered as a spreadsheet shows them (the
header is row 1; a CSV record with a quoted multi-line cell is still one row); `validate` maps the
header to Jisr's fields and checks every row, collecting *all* problems so the command can refuse the
whole file at once; `possible_duplicates` compares rows with each other and with people already
registered. Problems carry a row number, a column name and a reason — never a cell value, because a
cell may hold a survivor's name (even the "header" may be a person's row if the file has none).

Formats: CSV in UTF-8 (with or without BOM) or Windows-1256, comma, semicolon or tab separated (sniffed
from the header line); XLSX (first sheet). Header names in English, French, Spanish or Arabic, compared
case-, accent- and spacing-insensitively (see `COLUMN_ALIASES`).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from jisr.common.dates import parse_date
from jisr.crypto.normalise import normalise_digits, normalise_document, normalise_name, normalise_phone
from jisr.survivors.identity import Identity, IdentityDocument
from jisr.survivors.models import Sex

T = TypeVar("T")
Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | None
Progress = Callable[[Iterable[Any]], Iterable[Any]]

MAX_NAME_LENGTH = 150
MAX_AGE = 120


class ImportFileError(ValueError):
    """The file as a whole cannot be read (format, encoding, header). The message holds no cell value."""


@dataclass(frozen=True)
class RowProblem:
    """One reason a row cannot be imported. `row` as a spreadsheet numbers it; `column` a Jisr field
    name (or "" for the whole row); `reason` a fixed sentence that never quotes the cell."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Sheet:
    """A file read into cells. `rows` are (spreadsheet row number, cells) after the header, blank
    records included (validation skips them)."""

    header: list[str]
    header_row: int
    rows: list[tuple[int, list[Cell]]]
    source: str  # "csv/utf-8", "csv/utf-8-sig", "csv/cp1256", "xlsx"
    sha256: str


# --- Columns ---------------------------------------------------------------------------------------

NAME_FIELDS = ("given_name", "family_name", "given_name_latin", "family_name_latin")

# Jisr field → accepted header names (English first; then French, Spanish, Arabic). Compared through
# `header_key`, so case, accents, spaces/hyphens/underscores and Arabic hamza forms do not matter.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "given_name": ("given_name", "first_name", "prénom", "prenom", "nombre", "الاسم الشخصي", "الاسم"),
    "family_name": (
        "family_name",
        "last_name",
        "surname",
        "nom",
        "nom_de_famille",
        "apellido",
        "apellidos",
        "النسب",
        "الاسم العائلي",
        "اللقب",
    ),
    "given_name_latin": ("given_name_latin", "first_name_latin", "prénom_latin", "nombre_latino", "nombre_latin"),
    "family_name_latin": (
        "family_name_latin",
        "last_name_latin",
        "nom_latin",
        "nom_de_famille_latin",
        "apellido_latino",
        "apellidos_latino",
        "apellido_latin",
        "apellidos_latin",
    ),
    "sex": ("sex", "gender", "sexe", "genre", "sexo", "género", "الجنس"),
    "date_of_birth": (
        "date_of_birth",
        "birth_date",
        "dob",
        "date_de_naissance",
        "fecha_de_nacimiento",
        "تاريخ الازدياد",
        "تاريخ الميلاد",
    ),
    "estimated_age": (
        "estimated_age",
        "age",
        "âge_estimé",
        "âge",
        "edad_estimada",
        "edad",
        "السن التقديري",
        "السن",
        "العمر",
    ),
    "age_estimated_on": (
        "age_estimated_on",
        "âge_estimé_le",
        "date_estimation_âge",
        "edad_estimada_el",
        "fecha_estimación_edad",
        "تاريخ تقدير السن",
    ),
    "nationality": ("nationality", "nationalité", "nacionalidad", "الجنسية"),
    "phone": ("phone", "telephone", "téléphone", "tel", "teléfono", "telefono", "الهاتف"),
    "document_number": (
        "document_number",
        "numéro_de_document",
        "numero_document",
        "número_de_documento",
        "numero_documento",
        "رقم الوثيقة",
    ),
    "document_type": ("document_type", "type_de_document", "tipo_de_documento", "نوع الوثيقة"),
    "aliases": ("aliases", "alias", "autres_noms", "surnoms", "otros_nombres", "apodos", "أسماء أخرى"),
    "languages": ("languages", "langues", "idiomas", "lenguas", "اللغات"),
}


def header_key(text: object) -> str:
    """Canonical form of a header cell: `" Prénom "` → `"prenom"`, `"Número de documento"` →
    `"numero_de_documento"`, `"تاريخ الإزدياد"` → `"تاريخ_الازدياد"`."""
    key = normalise_name(str(text if text is not None else ""))
    key = re.sub(r"[()\[\]*:#°º/\\]", " ", key)
    return "_".join(key.split())


@functools.cache
def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for name, aliases in COLUMN_ALIASES.items():
        for alias in aliases:
            key = header_key(alias)
            assert table.get(key, name) == name, f"header alias {alias!r} is ambiguous"
            table[key] = name
    return table


def _column_label(index: int) -> str:
    """Spreadsheet letter of a 0-based column index (0 → A, 26 → AA)."""
    label, n = "", index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        label = chr(65 + rem) + label
    return label


def map_columns(sheet: Sheet, *, ignore_unknown: bool = False) -> dict[str, int]:
    """Jisr field → column index. Raises ImportFileError for an unknown or unnamed column holding
    values (unless `ignore_unknown`), two columns meaning the same field, or no name column at all.

    Unknown columns are named by position only: without a header row, row 1 is a person's data."""
    table = _alias_table()
    columns: dict[str, int] = {}
    problems: list[str] = []
    width = max([len(sheet.header)] + [len(cells) for _, cells in sheet.rows])
    for index in range(width):
        raw = sheet.header[index] if index < len(sheet.header) else ""
        key = header_key(raw)
        where = f"column {_column_label(index)}"
        if key in table:
            name = table[key]
            if name in columns:
                problems.append(f"{where} and column {_column_label(columns[name])} both mean {name}")
            columns[name] = index
            continue
        if ignore_unknown:
            continue
        if not key:
            if any(index < len(cells) and _text(cells[index]) for _, cells in sheet.rows):
                problems.append(f"{where} has no header but holds values")
            continue
        problems.append(
            f"{where}: unknown column (not imported data could be lost; rename it to a known "
            "header or pass --ignore-unknown-columns)"
        )
    if not any(n in columns for n in NAME_FIELDS):
        if not columns:
            problems.insert(0, f"row {sheet.header_row} is not a header row this command recognises")
        problems.append(
            "missing column: at least one of "
            + ", ".join(NAME_FIELDS)
            + " (or its French/Spanish/Arabic name) is required"
        )
    if problems:
        raise ImportFileError("the header cannot be used:\n  " + "\n  ".join(problems))
    return columns


# --- Reading files ---------------------------------------------------------------------------------

_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_sheet(path: Path | str) -> Sheet:
    """Read a CSV or XLSX file (recognised by content, not by extension). Raises ImportFileError."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"cannot read the file ({exc.strerror})") from exc
    digest = hashlib.sha256(data).hexdigest()
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, digest)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError("this is an old Excel (.xls) file: save it as .xlsx or as CSV (UTF-8) first")
    text, encoding = decode_csv_bytes(data)
    return _read_csv(text, encoding, digest)


def decode_csv_bytes(data: bytes) -> tuple[str, str]:
    """Decode a CSV file's bytes: UTF-8 (BOM or not) when it decodes; Windows-1256 when the bytes look
    like a single-byte Arabic/Latin file; an ImportFileError otherwise.

    A file whose non-ASCII bytes are mostly well-formed UTF-8 sequences of the scripts registers are
    written in (Arabic, accented Latin, typographic punctuation), or that starts with a UTF-8 BOM, but
    does not decode is a damaged UTF-8 file, not Windows-1256: decoding it as Windows-1256 would store
    mojibake as names. The error names the spreadsheet row of the first bad byte. Windows-1256 Arabic
    produces such sequences only by accident (a letter followed by گ or the Arabic comma usually
    decodes to Cyrillic or IPA letters, which do not count); when they are more than a tenth of the
    non-ASCII bytes the file is refused as mixed rather than guessed.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise ImportFileError(
            "this is not a CSV text file in UTF-8 or Windows-1256 (it looks like UTF-16 or a "
            "binary file): save it as 'CSV UTF-8' or as .xlsx"
        )
    bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if bom else data
    try:
        text, encoding = body.decode("utf-8"), "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError as exc:
        high = sum(1 for b in body if b >= 0x80)
        valid = sum(len(m) for m in _UTF8_SEQUENCE.findall(body) if _plausible(m.decode("utf-8")))
        if bom or valid * 2 >= high:
            prefix = body[: exc.start].decode("utf-8")
            raise ImportFileError(
                f"the file is UTF-8 but damaged: row {_record_number_at(prefix)} holds a byte that is not "
                "valid UTF-8 (was the file edited with another encoding?)"
            ) from None
        if valid * 10 >= high:
            raise ImportFileError("the file mixes UTF-8 and another encoding: save it again as 'CSV UTF-8'") from None
        text, encoding = body.decode("cp1256"), "cp1256"
    if _CONTROL.search(text):
        raise ImportFileError(
            f"the file holds control characters and is not a CSV text file in {encoding} "
            "(save it as 'CSV UTF-8' or as .xlsx)"
        )
    return text, encoding


_PLAUSIBLE_RANGES = (
    (0x00A0, 0x017F),
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x08A0, 0x08FF),
    (0x2000, 0x206F),
    (0x20AC, 0x20AC),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)


def _plausible(char: str) -> bool:
    return any(lo <= ord(char) <= hi for lo, hi in _PLAUSIBLE_RANGES)


def _record_number_at(prefix: str) -> int:
    """The spreadsheet row (CSV record, 1-based) in which the text after `prefix` begins."""
    # A sentinel stands for the bad byte so that "prefix ends with a newline" counts the next record.
    delimiter = _sniff_delimiter(prefix.split("\n", 1)[0])
    return sum(1 for _ in csv.reader(io.StringIO(prefix + "\x01", newline=""), delimiter=delimiter))


def _sniff_delimiter(header_line: str) -> str:
    """The separator used in the header line: the most frequent of `,`, `;` and tab outside quotes."""
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    counts = {d: unquoted.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(text: str, encoding: str, digest: str) -> Sheet:
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = _sniff_delimiter(first_line)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:  # e.g. a field larger than the csv module's limit
        raise ImportFileError(f"the CSV file cannot be parsed ({exc.__class__.__name__})") from None
    numbered = list(enumerate(records, start=1))
    header_at = next((i for i, (_, cells) in enumerate(numbered) if any(c.strip() for c in cells)), None)
    if header_at is None:
        raise ImportFileError("the file is empty")
    header_row, header = numbered[header_at]
    rows: list[tuple[int, list[Cell]]] = [(n, list(cells)) for n, cells in numbered[header_at + 1 :]]
    return Sheet(header=header, header_row=header_row, rows=rows, source=f"csv/{encoding}", sha256=digest)


def _read_xlsx(data: bytes, digest: str) -> Sheet:
    import openpyxl  # local: only XLSX imports need it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(f"the file is not a readable .xlsx workbook ({exc.__class__.__name__})") from None
    try:
        if not workbook.worksheets:
            raise ImportFileError("the workbook has no sheet")
        sheet = workbook.worksheets[0]
        # read_only iter_rows fills gaps with empty rows and starts at row 1, so enumerate = row number.
        numbered = [(n, list(values)) for n, values in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        workbook.close()
    header_at = next((i for i, (_, cells) in enumerate(numbered) if any(_text(c) for c in cells)), None)
    if header_at is None:
        raise ImportFileError("the first sheet is empty")
    header_row, header_cells = numbered[header_at]
    header = [_text(c) for c in header_cells]
    return Sheet(header=header, header_row=header_row, rows=numbered[header_at + 1 :], source="xlsx", sha256=digest)


# --- Values ----------------------------------------------------------------------------------------


class _Bad(ValueError):
    """A cell value is not acceptable; the message is a fixed sentence (no value quoted)."""


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time(0) else cell.isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return " ".join(str(cell).split())


def _value_key(text: str) -> str:
    return normalise_name(text).replace(" ", "")


_SEX_WORDS: dict[str, tuple[str, ...]] = {
    Sex.FEMININE: (
        "f",
        "fem",
        "female",
        "woman",
        "girl",
        "w",
        "femme",
        "feminin",
        "feminine",
        "fille",
        "mujer",
        "femenino",
        "femenina",
        "nina",
        "chica",
        "أنثى",
        "انثى",
        "امرأة",
        "بنت",
        "فتاة",
        "مؤنث",
    ),
    Sex.MASCULINE: (
        "m",
        "male",
        "man",
        "boy",
        "h",
        "homme",
        "masculin",
        "masculine",
        "garcon",
        "hombre",
        "masculino",
        "varon",
        "v",
        "nino",
        "chico",
        "ذكر",
        "رجل",
        "ولد",
        "مذكر",
    ),
    Sex.TRANSGENDER_FEMININE: (
        "transgenderfeminine",
        "transgender feminine",
        "trans woman",
        "transgender woman",
        "femme trans",
        "femme transgenre",
        "mujer trans",
        "mujer transgenero",
        "امرأة متحولة",
    ),
    Sex.TRANSGENDER_MASCULINE: (
        "transgendermasculine",
        "transgender masculine",
        "trans man",
        "transgender man",
        "homme trans",
        "homme transgenre",
        "hombre trans",
        "hombre transgenero",
        "رجل متحول",
    ),
    Sex.NON_CONFORMING: (
        "nonconforming",
        "non conforming",
        "gender non conforming",
        "non binary",
        "nonbinary",
        "non binaire",
        "no binario",
        "no binaria",
        "غير ثنائي",
    ),
    Sex.UNKNOWN: (
        "nonspecifiedunknown",
        "unknown",
        "not specified",
        "inconnu",
        "non precise",
        "non specifie",
        "desconocido",
        "no especificado",
        "no consta",
        "?",
        "غير معروف",
        "غير محدد",
    ),
}


@functools.cache
def _sex_table() -> dict[str, str]:
    table = {_value_key(w): sex for sex, words in _SEX_WORDS.items() for w in words}
    table.update({_value_key(s.value): s.value for s in Sex})
    return table


def parse_sex(text: str, *, m_is_ambiguous: bool = False) -> str:
    """`Sex` value of an en/fr/es/ar word or HTCDS code; blank → NonSpecifiedUnknown.

    "M" means male (ICAO/ISO 5218 usage), except in a file that also uses "H"/"V" (hombre/homme,
    varón): there "M" may mean mujer, and is refused rather than guessed."""
    key = _value_key(text)
    if not key:
        return Sex.UNKNOWN
    if key == "m" and m_is_ambiguous:
        raise _Bad(
            "'M' is ambiguous in a file that also uses 'H' (hombre/homme): write mujer/hombre or female/male in full"
        )
    try:
        return _sex_table()[key]
    except KeyError:
        raise _Bad(
            "unknown value (use F, M, female, male, femme, homme, mujer, hombre, أنثى, ذكر or an HTCDS code)"
        ) from None


# A few demonyms, because registers often write "Marocaine" or "nigeriana" where a country is meant.
_DEMONYMS: dict[str, tuple[str, ...]] = {
    "MA": ("moroccan", "marocain", "marocaine", "marroqui", "marroquies", "مغربي", "مغربية"),
    "ES": ("spanish", "espagnol", "espagnole", "espanol", "espanola", "إسباني", "إسبانية"),
    "DZ": ("algerian", "algerien", "algerienne", "argelino", "argelina", "جزائري", "جزائرية"),
    "TN": ("tunisian", "tunisien", "tunisienne", "tunecino", "tunecina", "تونسي", "تونسية"),
    "NG": ("nigerian", "nigerian", "nigeriane", "nigeriano", "nigeriana", "نيجيري", "نيجيرية"),
    "CM": ("cameroonian", "camerounais", "camerounaise", "camerunes", "camerunesa", "كاميروني", "كاميرونية"),
    "CI": (
        "ivorian",
        "ivoirien",
        "ivoirienne",
        "marfileno",
        "marfilena",
        "ivoriano",
        "ivoriana",
        "إيفواري",
        "إيفوارية",
    ),
    "SN": ("senegalese", "senegalais", "senegalaise", "senegales", "senegalesa", "سنغالي", "سنغالية"),
    "GN": ("guinean", "guineen", "guineenne", "guineano", "guineana", "غيني", "غينية"),
    "ML": ("malian", "malien", "malienne", "maliense", "مالي", "مالية"),
    "CD": ("congolese", "congolais", "congolaise", "congoleno", "congolena"),
    "SY": ("syrian", "syrien", "syrienne", "sirio", "siria", "سوري", "سورية"),
    "RO": ("romanian", "roumain", "roumaine", "rumano", "rumana", "روماني", "رومانية"),
    "CO": ("colombian", "colombien", "colombienne", "colombiano", "colombiana", "كولومبي", "كولومبية"),
    "PY": ("paraguayan", "paraguayen", "paraguayenne", "paraguayo", "paraguaya"),
    "VE": ("venezuelan", "venezuelien", "venezuelienne", "venezolano", "venezolana"),
    "PH": ("filipino", "filipina", "philippin", "philippine"),
}


@functools.cache
def _country_table() -> dict[str, str]:
    """Normalised country name or code → ISO alpha-2, from django-countries (ar/fr/es/en names and
    alpha-3 codes) and Babel's CLDR territory names; names shared by two countries are dropped."""
    from babel import Locale
    from django.utils import translation
    from django_countries import countries

    codes = {code for code, _ in countries}
    entries: list[tuple[str, str]] = []
    for lang in ("en", "fr", "es", "ar"):
        with translation.override(lang):
            entries += [(str(name), code) for code, name in countries]
        territories = Locale.parse(lang).territories
        entries += [(name, code) for code, name in territories.items() if code in codes]
    for code in codes:
        entries += [(code, code), (countries.alpha3(code) or code, code)]
    entries += [(word, code) for code, words in _DEMONYMS.items() for word in words]
    table: dict[str, str] = {}
    ambiguous: set[str] = set()
    for name, code in entries:
        key = _value_key(name)
        if table.get(key, code) != code:
            ambiguous.add(key)
        table[key] = code
    return {k: v for k, v in table.items() if k and k not in ambiguous}


def parse_nationality(text: str) -> str:
    """ISO 3166 alpha-2 for an alpha-2/alpha-3 code or a country name (or common demonym) in
    en/fr/es/ar; "" for blank. Raises _Bad otherwise."""
    key = _value_key(text)
    if not key:
        return ""
    try:
        return _country_table()[key]
    except KeyError:
        raise _Bad("unknown country (use an ISO code such as MA or MAR, or the country's name)") from None


_LANGUAGE_WORDS: dict[str, tuple[str, ...]] = {
    "ary": ("darija", "moroccan arabic", "arabe marocain", "árabe marroquí", "الدارجة", "دارجة"),
    "ber": ("amazigh", "tamazight", "berber", "berbère", "bereber", "الأمازيغية", "أمازيغية"),
}


@functools.cache
def _language_table() -> dict[str, str]:
    from babel import Locale

    table: dict[str, str] = {}
    for lang in ("en", "fr", "es", "ar"):
        for code, name in Locale.parse(lang).languages.items():
            if "_" in code:
                continue
            key = _value_key(name)
            # Prefer the two-letter code when a name maps to several ("arabic" → ar, not arb).
            if key not in table or (len(code) == 2 and len(table[key]) != 2):
                table[key] = code
            table.setdefault(code.lower(), code)
    table.update({_value_key(w): code for code, words in _LANGUAGE_WORDS.items() for w in words})
    return table


def parse_languages(text: str) -> list[str]:
    """ISO 639 codes of a list of language codes or names (en/fr/es/ar) separated by , ; / | or the
    Arabic comma. Raises _Bad for an unknown language."""
    out: list[str] = []
    for part in re.split(r"[,;/|،؛+]", text):
        key = _value_key(part)
        if not key:
            continue
        code = _language_table().get(key)
        if code is None:
            raise _Bad("unknown language (use ISO 639 codes such as ar, fr, es, or language names)")
        if code not in out:
            out.append(code)
    return out


_DOCUMENT_KINDS: dict[str, tuple[str, ...]] = {
    "passport": ("passport", "passeport", "pasaporte", "جواز السفر", "جواز", "pp"),
    "national_id": (
        "national_id",
        "national id",
        "id card",
        "cin",
        "cni",
        "carte nationale",
        "carte d'identite",
        "dni",
        "documento nacional de identidad",
        "البطاقة الوطنية",
        "بطاقة التعريف",
    ),
    "residence_permit": (
        "residence_permit",
        "residence permit",
        "titre de sejour",
        "carte de sejour",
        "nie",
        "tie",
        "permiso de residencia",
        "tarjeta de residencia",
        "بطاقة الإقامة",
        "إقامة",
    ),
    "other": ("other", "autre", "otro", "أخرى"),
}


@functools.cache
def _document_kind_table() -> dict[str, str]:
    return {_value_key(w): kind for kind, words in _DOCUMENT_KINDS.items() for w in words}


def _parse_date_cell(cell: Cell) -> dt.date | None:
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, bool | int | float | dt.time):
        raise _Bad("not a date (use YYYY-MM-DD or DD/MM/YYYY, or a date cell)")
    text = _text(cell)
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        raise _Bad(str(exc)) from None


def _parse_age(cell: Cell) -> int | None:
    if isinstance(cell, bool):
        raise _Bad("not a whole number of years")
    if isinstance(cell, float):
        if not cell.is_integer():
            raise _Bad("not a whole number of years")
        cell = int(cell)
    if isinstance(cell, int):
        age = cell
    else:
        text = normalise_digits(_text(cell))
        if not text:
            return None
        if not re.fullmatch(r"\d{1,3}", text):
            raise _Bad("not a whole number of years")
        age = int(text)
    if not 0 <= age <= MAX_AGE:
        raise _Bad(f"must be between 0 and {MAX_AGE}")
    return age


def _parse_name(cell: Cell, *, latin: bool) -> str:
    text = _text(cell)
    if len(text) > MAX_NAME_LENGTH:
        raise _Bad(f"longer than {MAX_NAME_LENGTH} characters (is another column's content here?)")
    if latin and re.search("[\u0600-\u06ff]", text):
        raise _Bad("Arabic script in a Latin-script column (put it in given_name/family_name)")
    return text


# --- Validation ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonRow:
    """One valid row, as `person_register` takes it."""

    row: int
    identity: Identity
    sex: str
    nationality: str
    languages: list[str]
    estimated_age: int | None
    age_estimated_on: dt.date | None

    def __repr__(self) -> str:  # no names in tracebacks
        return f"PersonRow(row={self.row})"


@dataclass
class Validation:
    rows_read: int = 0
    empty_rows: int = 0
    persons: list[PersonRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def _identity(progress: Progress | None, items: Iterable[T]) -> Iterable[T]:
    return progress(items) if progress is not None else items


def validate(
    sheet: Sheet, *, default_region: str, today: dt.date, ignore_unknown: bool = False, progress: Progress | None = None
) -> Validation:
    """Check every row of `sheet`; collect every problem (the caller imports nothing if there is one).

    `default_region` (ISO alpha-2, the organisation's country) applies to phone numbers without a
    country prefix; `today` bounds dates of birth and is the default date of an age estimate.
    Raises ImportFileError for a header problem."""
    columns = map_columns(sheet, ignore_unknown=ignore_unknown)
    result = Validation()
    sex_keys = {_value_key(_text(_RowReader(columns, cells).get("sex"))) for _, cells in sheet.rows}
    m_is_ambiguous = "m" in sex_keys and bool(sex_keys & {"h", "v"})
    for number, cells in _identity(progress, sheet.rows):
        if not any(_text(c) for c in cells):
            result.empty_rows += 1
            continue
        result.rows_read += 1
        reader = _RowReader(columns, cells)
        person = _validate_row(
            number, reader, default_region=default_region, today=today, m_is_ambiguous=m_is_ambiguous
        )
        if reader.problems:
            result.problems.extend(RowProblem(number, column, reason) for column, reason in reader.problems)
        elif person is not None:
            result.persons.append(person)
    return result


class _RowReader:
    """The cells of one row by Jisr field name, and the problems found in them."""

    def __init__(self, columns: dict[str, int], cells: list[Cell]) -> None:
        self.columns, self.cells = columns, cells
        self.problems: list[tuple[str, str]] = []

    def get(self, name: str) -> Cell:
        index = self.columns.get(name)
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def text(self, name: str) -> str:
        return _text(self.get(name))

    def parse(self, name: str, parse: Callable[..., T], default: T, **kwargs: Any) -> T:
        """`parse(cell, **kwargs)`, or `default` with a problem recorded when the cell is refused."""
        try:
            return parse(self.get(name), **kwargs)
        except _Bad as exc:
            self.problems.append((name, str(exc)))
            return default

    def problem(self, name: str, reason: str) -> None:
        self.problems.append((name, reason))


def _validate_row(
    number: int, row: _RowReader, *, default_region: str, today: dt.date, m_is_ambiguous: bool
) -> PersonRow | None:
    names = {n: row.parse(n, _parse_name, "", latin=n.endswith("_latin")) for n in NAME_FIELDS}
    if not any(names.values()) and not row.problems:
        row.problem("", "no name in any name column")
    sex = row.parse("sex", lambda c, **kw: parse_sex(_text(c), **kw), Sex.UNKNOWN.value, m_is_ambiguous=m_is_ambiguous)
    nationality = row.parse("nationality", lambda c: parse_nationality(_text(c)), "")
    languages = row.parse("languages", lambda c: parse_languages(_text(c)), [])
    birth = row.parse("date_of_birth", _parse_date_cell, None)
    if birth is not None and birth > today:
        row.problem("date_of_birth", "is in the future")
    elif birth is not None and birth.year < today.year - MAX_AGE:
        row.problem("date_of_birth", f"is more than {MAX_AGE} years ago")
    age = row.parse("estimated_age", _parse_age, None)
    if birth is not None and age is not None:
        row.problem("estimated_age", "give date_of_birth or estimated_age, not both")
    estimated_on = row.parse("age_estimated_on", _parse_date_cell, None)
    if estimated_on is not None and estimated_on > today:
        row.problem("age_estimated_on", "is in the future")

    phone = ""
    if phone_text := row.text("phone"):
        try:
            phone = normalise_phone(phone_text, default_region)
        except ValueError:
            row.problem("phone", "not a valid phone number")

    documents: tuple[IdentityDocument, ...] = ()
    doc_text, kind_text = row.text("document_number"), row.text("document_type")
    if doc_text:
        doc_number = normalise_document(doc_text)
        kind = _document_kind_table().get(_value_key(kind_text)) if kind_text else "other"
        if not doc_number:
            row.problem("document_number", "holds no letters or digits")
        elif kind is None:
            row.problem("document_type", "unknown type (use passport, national_id, residence_permit or other)")
        else:
            documents = (IdentityDocument(kind, doc_number),)
    elif kind_text:
        row.problem("document_type", "given without a document_number")

    aliases = tuple(a for a in (" ".join(p.split()) for p in re.split(r"[;|,،؛]", row.text("aliases"))) if a)
    if any(len(a) > MAX_NAME_LENGTH for a in aliases):
        row.problem("aliases", f"an alias is longer than {MAX_NAME_LENGTH} characters")
    if row.problems:
        return None
    return PersonRow(
        row=number,
        identity=Identity(
            given_name=names["given_name"],
            family_name=names["family_name"],
            given_name_latin=names["given_name_latin"],
            family_name_latin=names["family_name_latin"],
            aliases=aliases,
            date_of_birth=birth,
            phone=phone,
            documents=documents,
        ),
        sex=sex,
        nationality=nationality,
        languages=languages,
        estimated_age=age,
        age_estimated_on=(estimated_on or today) if age is not None else None,
    )


# --- Possible duplicates ---------------------------------------------------------------------------

_REASON_BY_KIND = {"name": "same_name", "name_key": "similar_name", "phone": "same_phone", "document": "same_document"}
_REASON_ORDER = ("same_document", "same_phone", "same_name", "similar_name")


@dataclass(frozen=True)
class DuplicateWarning:
    """Row `row` may be the same person as the earlier rows `other_rows` of the file, or (no other
    rows) as someone already registered in this organisation. Other organisations' records are never
    searched (as `selectors.duplicate_suggestions`: each organisation is a separate data controller)."""

    row: int
    reasons: tuple[str, ...]
    other_rows: tuple[int, ...] = ()

    def __str__(self) -> str:
        why = ", ".join(self.reasons)
        if self.other_rows:
            shown = ", ".join(str(r) for r in self.other_rows[:5])
            more = f" and {len(self.other_rows) - 5} more" if len(self.other_rows) > 5 else ""
            label = "row" if len(self.other_rows) == 1 else "rows"
            return f"row {self.row}: possible duplicate of {label} {shown}{more} in this file ({why})"
        return f"row {self.row}: possible duplicate of a person already registered here ({why})"


def _terms(identity: Identity) -> set[tuple[str, str]]:
    from jisr.survivors.indexing import duplicate_terms

    return {(str(k), t) for k, t in duplicate_terms(identity)}


def _reasons(mine: set[tuple[str, str]], theirs: set[tuple[str, str]]) -> tuple[str, ...]:
    shared = {_REASON_BY_KIND[kind] for kind, _ in mine & theirs}
    if "same_name" in shared:
        shared.discard("similar_name")  # an exact name match says more; do not list both
    return tuple(r for r in _REASON_ORDER if r in shared)


def duplicates_within(persons: list[PersonRow]) -> list[DuplicateWarning]:
    """One warning per row that shares a normalised name, name key, phone or document number with
    earlier rows (normalised terms compared in memory: nothing is decrypted or looked up)."""
    rows_by_term: dict[tuple[str, str], list[int]] = {}
    warnings: list[DuplicateWarning] = []
    for person in persons:
        terms = _terms(person.identity)
        earlier: dict[int, set[str]] = {}
        for term in terms:
            for other in rows_by_term.get(term, ()):
                earlier.setdefault(other, set()).add(_REASON_BY_KIND[term[0]])
            rows_by_term.setdefault(term, []).append(person.row)
        if earlier:
            reasons = set().union(*earlier.values())
            if "same_name" in reasons:
                reasons.discard("similar_name")
            warnings.append(
                DuplicateWarning(
                    person.row, tuple(r for r in _REASON_ORDER if r in reasons), other_rows=tuple(sorted(earlier))
                )
            )
    return warnings


def _index_values_batch(identities: list[Identity]) -> list[set[tuple[str, int]]]:
    """`indexing.index_values` for many identities, deriving the index keys once instead of once per
    identity (each call reads and unwraps the root key). Checked against `index_values` on the first
    identity, so a change in the core cannot make the lookups silently miss."""
    from django.conf import settings

    from jisr.crypto import blind_index as bi
    from jisr.crypto.services import blind_index_root
    from jisr.survivors.indexing import duplicate_terms, hash_terms, index_bits
    from jisr.survivors.models import IndexKind

    if not identities:
        return []
    root = blind_index_root()
    population = settings.JISR_EXPECTED_POPULATION
    keys = {kind: bi.derive_index_key(root, f"person.{kind}") for kind in IndexKind.values}
    bits = {kind: index_bits(kind, population) for kind in IndexKind.values}

    def fast(identity: Identity) -> set[tuple[str, int]]:
        return {(str(kind), bi.blind_index(keys[kind], term, bits[kind])) for kind, term in duplicate_terms(identity)}

    def slow(identity: Identity) -> set[tuple[str, int]]:
        return {(str(k), v) for k, v in hash_terms(duplicate_terms(identity))}

    if fast(identities[0]) != slow(identities[0]):
        return [slow(i) for i in identities]
    return [fast(i) for i in identities]


def duplicates_registered(
    persons: list[PersonRow], organisation: Any, progress: Progress | None = None
) -> list[DuplicateWarning]:
    """Rows that may be people already registered in `organisation`: blind-index candidates (truncated,
    so they collide on purpose) decrypted in memory and compared on normalised terms, as
    `duplicate_suggestions` does. Reads only; reports row numbers and reason codes. Another
    organisation's records are neither searched nor decrypted: an import must not tell whether a named
    woman is known to another organisation on the instance."""
    from jisr.crypto.envelope import DecryptionError
    from jisr.survivors.models import Person, PersonIndex
    from jisr.survivors.services import person_identity

    if not persons or not PersonIndex.objects.exists():
        return []
    values_by_row = dict(zip((p.row for p in persons), _index_values_batch([p.identity for p in persons]), strict=True))
    wanted: dict[str, set[int]] = {}
    for values in values_by_row.values():
        for kind, value in values:
            wanted.setdefault(kind, set()).add(value)
    owners: dict[tuple[str, int], set[Any]] = {}
    for kind, vals in wanted.items():
        ordered = sorted(vals)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            for k, v, pid in PersonIndex.objects.filter(
                kind=kind, value__in=chunk, person__organisation=organisation
            ).values_list("kind", "value", "person_id"):
                owners.setdefault((k, v), set()).add(pid)
    candidate_ids = set().union(*owners.values()) if owners else set()
    people: dict[Any, set[tuple[str, str]]] = {}
    for person in Person.objects.filter(
        pk__in=candidate_ids, organisation=organisation, erased_at__isnull=True
    ).select_related("data_key"):
        try:
            people[person.pk] = _terms(person_identity(person))
        except DecryptionError:
            continue
    warnings: list[DuplicateWarning] = []
    for person in _identity(progress, persons):
        mine = _terms(person.identity)
        ids = set().union(*(owners.get(v, set()) for v in values_by_row[person.row]))
        here: set[str] = set()
        for pid in ids:
            if pid in people:
                here.update(_reasons(mine, people[pid]))  # nothing: an index collision, not a match
        if here:
            warnings.append(DuplicateWarning(person.row, tuple(r for r in _REASON_ORDER if r in here)))
    return warnings
