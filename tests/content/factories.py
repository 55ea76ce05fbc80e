"""Pages and handouts for the tests, made through the same services as real ones (so their
texts, versions and translations are what editors would leave behind)."""

import factory

from accounts.models import Role
from content import services
from content.models import Audience, Handout, Page, PublicationStatus
from tests.factories import UserFactory

ARRIVING_DE = {
    "title": "Ankommen in Leipzig",
    "summary": "Die ersten Schritte nach der Ankunft.",
    "body": "Willkommen in Leipzig.\n\nDas brauchen Sie:\n- Pass\n- Meldebescheinigung",
}
ARRIVING_AR = {
    "title": "الوصول إلى لايبزيغ",
    "summary": "الخطوات الأولى بعد الوصول.",
    "body": "مرحبا بكم في لايبزيغ.\n\nما تحتاجونه:\n- جواز السفر\n- شهادة التسجيل",
}
KITA_DE = {
    "title": "Einen Kita-Platz finden",
    "body": "Jedes Kind ab einem Jahr hat ein Recht auf einen Platz in der Kita.\n\n"
    "- Anmeldung im Elternportal\n- Kita-Gutschein beim Amt für Jugend",
}
KITA_AR = {
    "title": "البحث عن مكان في الروضة",
    "body": "لكل طفل من عمر سنة الحق في مكان في الروضة.\n\n"
    "- التسجيل في بوابة الأهل\n- قسيمة الروضة من مكتب الشباب",
}


class EditorFactory(UserFactory):
    """An editor of the welcome centre: for now, a coordinator."""

    username = factory.Sequence(lambda n: f"editor{n}")
    role = Role.COORDINATOR
    is_staff = True


def make_page(
    editor,
    slug: str = "arriving",
    *,
    parent: Page | None = None,
    position: int = 0,
    fields: dict | None = None,
    published: bool = True,
    translations: dict[str, dict] | None = None,
) -> Page:
    fields = fields or {**ARRIVING_DE, "title": f"{ARRIVING_DE['title']} ({slug})"}
    page = services.create_page(actor=editor, slug=slug, parent=parent, position=position, **fields)
    for language, translated in (translations or {}).items():
        services.translate(page, actor=editor, language=language, fields=translated)
    if published:
        services.publish(page, actor=editor)
    page.refresh_from_db()
    assert page.status == (PublicationStatus.PUBLISHED if published else PublicationStatus.DRAFT)
    return page


def make_handout(
    editor,
    slug: str = "kita-place",
    *,
    audience: str = Audience.KITAS,
    page: Page | None = None,
    fields: dict | None = None,
    published: bool = True,
    translations: dict[str, dict] | None = None,
) -> Handout:
    handout = services.create_handout(
        actor=editor, slug=slug, audience=audience, page=page, **(fields or KITA_DE)
    )
    for language, translated in (translations or {}).items():
        services.translate(handout, actor=editor, language=language, fields=translated)
    if published:
        services.publish(handout, actor=editor)
    handout.refresh_from_db()
    return handout
