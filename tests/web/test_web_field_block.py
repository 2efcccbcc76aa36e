"""`{% field_block %}`: the one way a form field is drawn (label, widget, help, errors, screen-reader links)."""

from __future__ import annotations

from django import forms

from jisr.web.templatetags.jisr_web import field_block


class _Form(forms.Form):
    name = forms.CharField(label="Name <x>", help_text="As she says it")
    consent = forms.BooleanField(label="She agrees", required=False)
    languages = forms.MultipleChoiceField(
        label="Languages", choices=[("ar", "Arabic"), ("fr", "French <b>")], widget=forms.CheckboxSelectMultiple
    )


def test_a_text_field_with_label_required_mark_help_and_links() -> None:
    html = field_block(_Form()["name"])
    assert '<label class="form-label" for="id_name">Name &lt;x&gt; <span aria-hidden="true">*</span></label>' in html
    assert 'class="form-control"' in html and 'aria-describedby="id_name_help"' in html
    assert '<div class="form-text" id="id_name_help">As she says it</div>' in html


def test_errors_are_shown_escaped_and_linked() -> None:
    form = _Form(data={"name": "", "languages": ["zz"]})
    assert not form.is_valid()
    html = field_block(form["name"])
    assert 'aria-invalid="true"' in html and "is-invalid" in html
    assert 'aria-describedby="id_name_help id_name_errors"' in html
    assert '<div class="invalid-feedback d-block" id="id_name_errors">' in html
    boxes = field_block(form["languages"])
    assert boxes.count('class="form-check-input is-invalid"') == 2 and 'id="id_languages_errors"' in boxes


def test_a_choice_of_boxes_is_a_fieldset_of_form_checks() -> None:
    html = field_block(_Form(initial={"languages": ["fr"]})["languages"], short_choices=True)
    assert html.startswith('<fieldset class="mb-3">')
    assert '<div class="check-columns check-columns-short border rounded p-2">' in html
    assert html.count('<div class="form-check"><input class="form-check-input" type="checkbox" name="languages"') == 2
    assert 'value="fr" id="id_languages_1" checked>' in html and "French &lt;b&gt;" in html


def test_a_single_box_has_its_label_after_it_and_no_required_mark() -> None:
    html = field_block(_Form()["consent"])
    assert html.startswith('<div class="form-check mb-3">') and 'class="form-check-input"' in html
    assert '<label class="form-check-label" for="id_consent">She agrees</label>' in html and "*" not in html


def test_an_error_with_an_apostrophe_is_escaped_once() -> None:
    form = _Form(data={"name": "x", "languages": ["ar"]})
    assert form.is_valid()
    form.add_error("name", "l'envoyer & <b>")
    assert "l&#x27;envoyer &amp; &lt;b&gt;</div>" in field_block(form["name"])
