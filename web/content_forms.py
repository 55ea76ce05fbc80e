"""Parsing of the editors' forms for information pages and handouts: text to Python values
only. Every rule (a title, a slug, a place in the tree without a cycle, a content language,
an audience) lives in `content.services`; the pages show its messages beside the fields."""

from django import forms

from base.errors import GENERAL

# Generous bounds against pages of junk; the services give the real limits with a message.
TEXT_LIMIT = 60_000


class PageForm(forms.Form):
    language = forms.CharField(required=False, max_length=10)
    title = forms.CharField(required=False, max_length=TEXT_LIMIT)
    summary = forms.CharField(required=False, max_length=TEXT_LIMIT)
    body = forms.CharField(required=False, max_length=TEXT_LIMIT)
    slug = forms.CharField(required=False, max_length=200)
    parent = forms.IntegerField(required=False)
    position = forms.IntegerField(required=False)


class HandoutForm(forms.Form):
    language = forms.CharField(required=False, max_length=10)
    title = forms.CharField(required=False, max_length=TEXT_LIMIT)
    body = forms.CharField(required=False, max_length=TEXT_LIMIT)
    slug = forms.CharField(required=False, max_length=200)
    audience = forms.CharField(required=False, max_length=20)
    page = forms.IntegerField(required=False)


class TranslationForm(forms.Form):
    title = forms.CharField(required=False, max_length=TEXT_LIMIT)
    summary = forms.CharField(required=False, max_length=TEXT_LIMIT)
    body = forms.CharField(required=False, max_length=TEXT_LIMIT)
    from_version = forms.IntegerField(required=False, min_value=1)


PAGE_FIELDS = tuple(PageForm.base_fields)
HANDOUT_FIELDS = tuple(HandoutForm.base_fields)
TRANSLATION_FIELDS = tuple(TranslationForm.base_fields)


def parse(form_class, post) -> tuple[dict, dict[str, list[str]]]:
    """(fields for the service, errors by field)."""
    form = form_class(post)
    if not form.is_valid():
        errors: dict[str, list[str]] = {}
        for name, found in form.errors.items():
            errors.setdefault(GENERAL if name == "__all__" else name, []).extend(found)
        return {}, errors
    return dict(form.cleaned_data), {}
