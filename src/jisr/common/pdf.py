"""PDF documents from Django templates, with Arabic shaped and laid out right-to-left (WeasyPrint).

WeasyPrint shapes text with HarfBuzz through Pango, so Arabic letters join correctly when a font
with Arabic glyphs is available: the Debian package fonts-noto-core (Noto Naskh Arabic, Noto Sans
Arabic) installed by scripts/system-deps.sh. Templates extend `common/pdf_base.html`, which sets
`lang`/`dir` from the language and the font stack.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation


def render_pdf(template: str, context: dict[str, Any], *, language: str) -> bytes:
    """Render `template` in `language` (ar, fr, es, en) and return the PDF bytes.

    The context gets `lang` and `dir` (rtl for Arabic). Raises TemplateDoesNotExist for a bad name.
    """
    from weasyprint import HTML  # heavy import; only when a PDF is asked for

    with translation.override(language):
        html = render_to_string(
            template,
            {**context, "lang": language, "dir": "rtl" if translation.get_language_bidi() else "ltr"},
        )
    return HTML(string=html).write_pdf()
