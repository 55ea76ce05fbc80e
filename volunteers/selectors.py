"""Reads for volunteers: the skill list and the filters lists of profiles and needs use."""

from django.db.models import F, QuerySet

from accounts.models import User
from volunteers.models import Skill, VolunteerNeed, VolunteerProfile


def skills() -> QuerySet[Skill]:
    return Skill.objects.order_by("slug")


def profile_of(user: User) -> VolunteerProfile | None:
    """The user's own volunteer profile, if they have one."""
    if not user.is_authenticated:
        return None
    return VolunteerProfile.objects.filter(user=user).first()


def profiles_with_skill(queryset: QuerySet[VolunteerProfile], slug: str) -> QuerySet:
    # Slugs are unique, so the join yields each profile at most once.
    return queryset.filter(skills__slug=slug)


def profiles_speaking(queryset: QuerySet[VolunteerProfile], code: str) -> QuerySet:
    """Profiles that list the language at any level (jsonb containment, one row each)."""
    return queryset.filter(languages__contains=[{"code": code}])


def needs_requiring_skill(queryset: QuerySet[VolunteerNeed], slug: str) -> QuerySet:
    return queryset.filter(required_skills__slug=slug)


def needs_in_language(queryset: QuerySet[VolunteerNeed], code: str) -> QuerySet:
    """Needs that name the language among those that suffice."""
    return queryset.filter(languages__contains=[code])


def need_holds_places(need: VolunteerNeed) -> bool:
    """Whether matches hold any place of the need's shifts (it is then partly matched)."""
    return need.shifts.filter(people_open__lt=F("people")).exists()
