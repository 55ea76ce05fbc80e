"""Forms of the pages for everyone (web/account_views.py). They only parse what was typed
into the types the services take; every rule (a taken name, a weak password, a channel left
on) lives in accounts.services, notifications.services and privacy.services."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from notifications.models import NotificationPreference

JOIN = "join"
START = "start"


class RegistrationForm(forms.Form):
    username = forms.RegexField(
        r"^[\w.@+-]+\Z",
        max_length=150,
        error_messages={"invalid": _("Use only letters, digits and @/./+/-/_.")},
    )
    email = forms.EmailField(max_length=254)
    password = forms.CharField(strip=False, max_length=128)
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    phone = forms.CharField(max_length=40, required=False)
    preferred_language = forms.ChoiceField(choices=settings.LANGUAGES)


class InitiativeRegistrationForm(RegistrationForm):
    """An initiative member asks to join an initiative or starts a new one."""

    initiative = forms.ChoiceField(
        choices=[(JOIN, JOIN), (START, START)],
        error_messages={"required": _("Choose whether you join an initiative or start one.")},
    )
    organisation = forms.IntegerField(required=False, min_value=1)
    new_initiative_name = forms.CharField(max_length=200, required=False)
    new_initiative_city = forms.CharField(max_length=100, required=False)
    new_initiative_email = forms.EmailField(required=False)

    def clean(self):
        data = super().clean()
        if data.get("initiative") == JOIN and not data.get("organisation"):
            self.add_error("organisation", _("Choose the initiative you want to join."))
        if data.get("initiative") == START and not data.get("new_initiative_name"):
            self.add_error("new_initiative_name", _("Give the name of your new initiative."))
        return data

    def service_arguments(self) -> dict:
        """organisation (to join) or new_initiative (to start), as register_user takes them."""
        data = self.cleaned_data
        if data["initiative"] == JOIN:
            return {"organisation": data["organisation"]}
        return {
            "new_initiative": {
                "name": data["new_initiative_name"],
                "city": data["new_initiative_city"],
                "email": data["new_initiative_email"],
            }
        }


class SettingsForm(forms.Form):
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    phone = forms.CharField(max_length=40, required=False)
    preferred_language = forms.ChoiceField(choices=settings.LANGUAGES)
    email_channel = forms.BooleanField(required=False)
    inbox_channel = forms.BooleanField(required=False)
    frequency = forms.ChoiceField(choices=NotificationPreference.Frequency.choices)


class EraseForm(forms.Form):
    password = forms.CharField(strip=False, required=False, max_length=128)
