"""Citizenship categories as countries reported them to UNODC → ISO 3166 alpha-2. Pure.

GLOTIP `Category` under "by citizenship" holds country names and demonyms in English, Spanish, French
and Portuguese, in any case, sometimes plural ("Algerians"), sometimes in brackets ("(Senegal)"). Names
come from CLDR through babel (territory names in en/es/fr/pt/ar); demonyms from a small table below.
A name that still does not map returns None and is reported by the importer, never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^a-z0-9]+")

# Demonyms and variants seen in the GLOTIP release of April 2025 (not in CLDR). Keys are normalised.
_EXTRA: dict[str, str] = {
    "moroccan": "MA", "marocain": "MA", "marroqui": "MA", "marruecos": "MA", "algerian": "DZ", "argelia": "DZ",
    "algerien": "DZ", "tunisian": "TN", "tunisien": "TN", "egyptian": "EG", "egybt": "EG", "libyan": "LY",
    "nigerian": "NG", "nigerien": "NE", "nigeriens": "NE", "nigeriana": "NG", "ghanaian": "GH", "cameroonian": "CM",
    "camerun": "CM", "senegalese": "SN", "senegalais": "SN", "malian": "ML", "guinean": "GN", "ivorian": "CI",
    "burkinabe": "BF", "beninese": "BJ", "togolese": "TG", "gambian": "GM", "liberian": "LR", "sierra leonean": "SL",
    "eritrean": "ER", "ethiopian": "ET", "somali": "SO", "sudanese": "SD", "kenyan": "KE", "ugandan": "UG",
    "congolese": "CD", "rdc": "CD", "car": "CF", "sao tome": "ST", "mauritanian": "MR", "chadian": "TD",
    "spanish": "ES", "espanol": "ES", "espanola": "ES", "french": "FR", "portuguese": "PT", "italian": "IT",
    "german": "DE", "british": "GB", "romanian": "RO", "rumania": "RO", "bulgarian": "BG", "hungarian": "HU",
    "polish": "PL", "czech": "CZ", "slovak": "SK", "slovakian": "SK", "albanian": "AL", "bosnian": "BA",
    "serbian": "RS", "croatian": "HR", "macedonian": "MK", "montenegrin": "ME", "kosovar": "XK", "kosovo": "XK",
    "moldovan": "MD", "moldavia": "MD", "ukrainian": "UA", "russian": "RU", "rusia": "RU", "belarusian": "BY",
    "lithuanian": "LT", "latvian": "LV", "estonian": "EE", "georgian": "GE", "armenian": "AM", "azerbaijani": "AZ",
    "turkish": "TR", "greek": "GR", "maltese": "MT", "dutch": "NL", "belgian": "BE", "swedish": "SE", "danish": "DK",
    "norwegian": "NO", "finnish": "FI", "irish": "IE", "austrian": "AT", "swiss": "CH", "slovenian": "SI",
    "chinese": "CN", "chino": "CN", "china": "CN", "vietnamese": "VN", "vietnam": "VN", "thai": "TH",
    "thailande": "TH", "filipino": "PH", "philippine": "PH", "indonesian": "ID", "malaysian": "MY",
    "cambodian": "KH", "laotian": "LA", "burmese": "MM", "myanmar": "MM", "indian": "IN", "indien": "IN",
    "pakistani": "PK", "bangladeshi": "BD", "nepalese": "NP", "sri lankan": "LK", "sri lanka": "LK",
    "afghan": "AF", "iranian": "IR", "iraqi": "IQ", "syrian": "SY", "lebanese": "LB", "jordanian": "JO",
    "kazaki": "KZ", "kazakh": "KZ", "kyrgysi": "KG", "kyrgyz": "KG", "uzbek": "UZ", "tajik": "TJ",
    "turkmen": "TM", "mongolian": "MN", "korean": "KR", "japanese": "JP", "new zealander": "NZ",
    "australian": "AU", "american": "US", "canadian": "CA", "mexican": "MX", "mexicana": "MX", "mexicano": "MX",
    "guatemalan": "GT", "honduran": "HN", "hondurena": "HN", "hondureno": "HN", "salvadoran": "SV",
    "salvadorena": "SV", "salvadorenas": "SV", "salvadoreno": "SV", "nicaraguan": "NI", "nicaraguense": "NI",
    "costa rican": "CR", "panamanian": "PA", "cuban": "CU", "cubano": "CU", "cubana": "CU",
    "dominican": "DO", "dominicana": "DO", "dominicano": "DO", "haitian": "HT", "haitiano": "HT",
    "jamaican": "JM", "colombian": "CO", "colombiana": "CO", "colombiano": "CO", "venezuelan": "VE",
    "venezolano": "VE", "venezolana": "VE", "ecuadorian": "EC", "ecuatoriana": "EC", "ecuatoriano": "EC",
    "peruvian": "PE", "peruana": "PE", "peruano": "PE", "bolivian": "BO", "boliviana": "BO", "boliviano": "BO",
    "paraguayan": "PY", "paraguayian": "PY", "paraguaya": "PY", "paraguayo": "PY", "brazilian": "BR",
    "brasileira": "BR", "brasilena": "BR", "argentinian": "AR", "argentine": "AR", "argentina": "AR",
    "chilean": "CL", "chilena": "CL", "uruguayan": "UY", "belicena": "BZ", "beliceno": "BZ", "guatemalteca": "GT",
    "guatemalteco": "GT", "panamena": "PA", "costarricense": "CR", "pakistan": "PK", "rohingya": "MM",
    "ivory coast": "CI", "cote d ivoire": "CI", "turkiye": "TR", "russia": "RU", "uk": "GB", "usa": "US",
    "united states": "US", "drc": "CD", "dr congo": "CD", "laos": "LA", "syria": "SY", "iran": "IR",
    "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "moldova": "MD", "macedonia": "MK",
    "north macedonia": "MK", "czech republic": "CZ", "korea": "KR", "brasil": "BR",
    # UN official short names and other variants
    "russian federation": "RU", "republic of moldova": "MD", "syrian arab republic": "SY",
    "united republic of tanzania": "TZ", "republic of korea": "KR", "south korean": "KR",
    "lao people s democratic republic": "LA", "united states of america": "US", "turkey": "TR",
    "the former yugoslav republic of macedonia": "MK", "kosovo under unscr 1244": "XK", "palestine": "PS",
    "dominican rep": "DO", "rep dominicana": "DO", "r dominicana": "DO", "republica checa": "CZ", "czech rep": "CZ",
    "hondureans": "HN", "nicaraguarean": "NI", "moldavian": "MD", "ukraineans": "UA", "ecuadorean": "EC",
    "salvadorean": "SV", "ghanean": "GH", "congolese drc": "CD", "angolan": "AO", "poles": "PL",
    "south african": "ZA", "afghani": "AF", "filippino": "PH", "ugandean": "UG", "uzbecki": "UZ", "tanzanian": "TZ",
    "nigerin": "NE", "beninoise": "BJ", "fijian": "FJ", "tajiki": "TJ", "burundean": "BI", "taiwanese": "TW",
    "zimbabwean": "ZW", "argentino": "AR", "belga": "BE", "brasilero": "BR", "keniano": "KE", "guayanean": "GY",
    "guineana": "GN", "haitiana": "HT", "bosnia and herzegovina": "BA", "swedesh": "SE", "finns": "FI",
    "yemeni": "YE", "lybians": "LY", "rwandean": "RW", "china taiwan province of china": "TW",
}


_LOST = "zqlostqz"  # stands for U+FFFD (a character the publisher lost) through normalisation


def normalise(name: str) -> str:
    """Lower case, accents and punctuation removed, single spaces (`PAKISTÁN` → `pakistan`)."""
    text = unicodedata.normalize("NFKD", name.replace("\ufffd", _LOST)).encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub(" ", text.casefold()).strip()


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    from babel import Locale

    table: dict[str, str] = {}
    for lang in ("en", "es", "fr", "pt", "it"):
        territories: dict[str, str] = Locale.parse(lang).territories
        for code, name in territories.items():
            if len(code) == 2 and code.isalpha():
                table.setdefault(normalise(name), code)
    table.update(_EXTRA)
    return table


@lru_cache(maxsize=4096)
def to_iso2(name: str) -> str | None:
    """ISO alpha-2 for a reported country name or demonym; None when it cannot be mapped."""
    key = normalise(name)
    if not key:
        return None
    table = _table()
    if key in table:
        return table[key]
    if key.endswith("s") and key[:-1] in table:  # plural demonyms: "Algerians", "Cubans"
        return table[key[:-1]]
    bare = normalise(re.sub(r"\(.*?\)", "", name))  # "Bolivia (Plurinational State of)" → "bolivia"
    if bare and bare != key and bare in table:
        return table[bare]
    if _LOST in key:  # "Hait\ufffd", "Espa\ufffda": one unique name fits the lost character(s)
        pattern = re.compile(re.escape(key).replace(_LOST, "[a-z]{0,2}"))
        codes = {code for name, code in table.items() if pattern.fullmatch(name)}
        return codes.pop() if len(codes) == 1 else None
    return None
