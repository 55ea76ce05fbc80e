"""Forms of the coordinators' pages: they only parse (filters of the review queue and of the
map); the decisions and their rules are `matching.workflow`'s."""

from decimal import Decimal

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from donations.models import Category
from matching.models import Match

AGE_CHOICES = [
    ("", _("Any age")),
    ("1", _("Waiting at least 1 day")),
    ("3", _("Waiting at least 3 days")),
    ("7", _("Waiting at least 7 days")),
    ("14", _("Waiting at least 14 days")),
]


def kind_choices(*, any_label=None) -> list[tuple[str, str]]:
    first = [("", any_label)] if any_label is not None else []
    return first + [(value, label) for value, label in Match.Kind.choices]


def category_choices() -> list:
    """The goods taxonomy in the page's language: each top category (itself selectable) with
    its subcategories, as option groups."""
    language = get_language()
    categories = list(Category.objects.all())
    names = {category.pk: category.name(language) for category in categories}
    children: dict[int | None, list[Category]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    choices: list = [("", _("Any category"))]
    for top in sorted(children.get(None, []), key=lambda c: names[c.pk].casefold()):
        below = sorted(children.get(top.pk, []), key=lambda c: names[c.pk].casefold())
        options = [(top.slug, names[top.pk])] + [(c.slug, names[c.pk]) for c in below]
        choices.append((names[top.pk], options))
    return choices


class QueueFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    district = forms.CharField(label=_("District"), required=False, max_length=120)
    category = forms.ChoiceField(label=_("Category (goods)"), required=False)
    min_score = forms.DecimalField(
        label=_("Lowest score"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(1),
        max_digits=4,
        decimal_places=2,
        localize=True,
    )
    age = forms.ChoiceField(label=_("Age of the proposal"), required=False, choices=AGE_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices(any_label=_("Every kind"))
        self.fields["category"].choices = category_choices()

    def clean_category(self):
        slug = self.cleaned_data.get("category")
        if not slug:
            return None
        return Category.objects.filter(slug=slug).values_list("pk", flat=True).first()


class MapFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    category = forms.ChoiceField(label=_("Category (goods)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()
        self.fields["category"].choices = category_choices()

    def clean_kind(self):
        return self.cleaned_data.get("kind") or Match.Kind.GOODS

    def clean_category(self):
        slug = self.cleaned_data.get("category")
        if not slug:
            return None
        return Category.objects.filter(slug=slug).values_list("pk", flat=True).first()


class UnmetFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()

    def clean_kind(self):
        return self.cleaned_data.get("kind") or Match.Kind.GOODS


# --- The coordinators' tools (issue 13, area "coordination-tools"): forms that only parse; the
# rules (open records, capacity, a reason) are `matching.workflow`'s.


class ManualMatchForm(forms.Form):
    """Kind, need, offer (ids, typed or picked from the list below the form), the shift of a
    volunteer need, the quantity of goods and why."""

    kind = forms.ChoiceField(label=_("Kind"))
    need = forms.IntegerField(label=_("Need (number)"), min_value=1)
    offer = forms.IntegerField(label=_("Offer (number)"), min_value=1)
    shift = forms.TypedChoiceField(
        label=_("Shift (volunteers)"), required=False, coerce=int, empty_value=None
    )
    quantity = forms.IntegerField(label=_("Quantity (goods)"), required=False, min_value=1)
    # Required by the workflow, which says so in its words ("Please say why.").
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, shifts=(), reason_max_length=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()
        self.fields["shift"].choices = [("", _("Choose a shift"))] + list(shifts)
        if reason_max_length:
            self.fields["reason"].widget.attrs["maxlength"] = reason_max_length


class PickSearchForm(forms.Form):
    """The short list of open records to pick from: a kind and words of a title or district."""

    kind = forms.ChoiceField(label=_("Kind"), required=False)
    q = forms.CharField(label=_("Title or district"), required=False, max_length=120)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()

    def clean_kind(self):
        return self.cleaned_data.get("kind") or Match.Kind.GOODS


class HandOverForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Receiving initiative"), coerce=int)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, initiatives=(), reason_max_length=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", _("Choose an initiative"))] + [
            (organisation.pk, organisation.name) for organisation in initiatives
        ]
        if reason_max_length:
            self.fields["reason"].widget.attrs["maxlength"] = reason_max_length
