"""Demo information pages and handouts of the Leipzig welcome centre.

Ten pages in a topic tree ("Arriving", "Living", "Work", "Children" with their sub-pages) and
three handouts for Kitas, schools and sports clubs, written in German, translated into
English, Ukrainian and Arabic. Some translations are deliberately missing or outdated (the
German source changed after they were made), and one page is overdue for confirmation, so
that the reader's notice and the editors' status page show something.

Keyed by slug (a page by its slug under its parent, a handout by its slug) and created only if
missing, through the same services as real ones; what an editor changed since stays. The
texts are short and general; they are no legal advice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from content import services
from content.models import Audience, Handout, Page
from demo.base import DemoReport

# The demo's coordinator edits the pages (demo/loader.py creates the account).
EDITOR_USERNAME = "koordination"


@dataclass(frozen=True)
class DemoPage:
    slug: str
    parent: str | None
    position: int
    de: dict
    translations: dict[str, dict] = field(default_factory=dict)
    # A later German edit: every translation above becomes outdated, except those in
    # `retranslated`, which are made again from the new version.
    changed_de: dict | None = None
    retranslated: dict[str, dict] = field(default_factory=dict)
    overdue: bool = False


@dataclass(frozen=True)
class DemoHandout:
    slug: str
    audience: str
    page: str | None
    de: dict
    translations: dict[str, dict] = field(default_factory=dict)
    changed_de: dict | None = None
    retranslated: dict[str, dict] = field(default_factory=dict)


PAGES = (
    DemoPage(
        "arriving",
        None,
        1,
        {
            "title": "Ankommen",
            "summary": "Die ersten Wochen in Leipzig: Anmeldung, Asylverfahren, Beratung.",
            "body": "Das Willkommenszentrum berät Sie kostenlos und in vielen Sprachen.\n\n"
            "Hier finden Sie die ersten Schritte nach der Ankunft.",
        },
        {
            "en": {
                "title": "Arriving",
                "summary": "The first weeks in Leipzig: registration, asylum procedure, advice.",
                "body": "The welcome centre advises you free of charge and in many languages."
                "\n\nHere you find the first steps after arriving.",
            },
            "uk": {
                "title": "Прибуття",
                "summary": "Перші тижні в Лейпцигу: реєстрація, процедура притулку, консультації.",
                "body": "Центр допомоги консультує безкоштовно та багатьма мовами.\n\n"
                "Тут ви знайдете перші кроки після прибуття.",
            },
            "ar": {
                "title": "الوصول",
                "summary": "الأسابيع الأولى في لايبزيغ: التسجيل، إجراءات اللجوء، الاستشارة.",
                "body": "يقدم لكم مركز الترحيب الاستشارة مجانا وبلغات كثيرة.\n\n"
                "هنا تجدون الخطوات الأولى بعد الوصول.",
            },
        },
    ),
    DemoPage(
        "registration",
        "arriving",
        1,
        {
            "title": "Wohnung anmelden",
            "summary": "Innerhalb von zwei Wochen nach dem Einzug beim Bürgeramt.",
            "body": "Wer in eine Wohnung einzieht, meldet sich innerhalb von zwei Wochen an.\n\n"
            "Bringen Sie mit:\n- Pass oder Ankunftsnachweis\n- Wohnungsgeberbestätigung",
        },
        {
            "en": {
                "title": "Registering your address",
                "summary": "Within two weeks of moving in, at the citizens' office.",
                "body": "Whoever moves into a flat registers within two weeks.\n\n"
                "Bring:\n- passport or proof of arrival\n- the landlord's confirmation",
            },
            "uk": {
                "title": "Реєстрація місця проживання",
                "summary": "Протягом двох тижнів після заселення, у Bürgeramt.",
                "body": "Хто в'їжджає у квартиру, реєструється протягом двох тижнів.\n\n"
                "Візьміть із собою:\n- паспорт або довідку про прибуття\n"
                "- підтвердження орендодавця",
            },
            "ar": {
                "title": "تسجيل السكن",
                "summary": "خلال أسبوعين من الانتقال، في مكتب المواطنين.",
                "body": "من ينتقل إلى شقة يسجل نفسه خلال أسبوعين.\n\n"
                "أحضروا معكم:\n- جواز السفر أو إثبات الوصول\n- تأكيد المؤجر",
            },
        },
        # Appointments are now booked online: every translation is outdated until redone.
        changed_de={
            "body": "Wer in eine Wohnung einzieht, meldet sich innerhalb von zwei Wochen an. "
            "Termine gibt es nur noch online.\n\n"
            "Bringen Sie mit:\n- Pass oder Ankunftsnachweis\n- Wohnungsgeberbestätigung"
        },
    ),
    DemoPage(
        "asylum-first-steps",
        "arriving",
        2,
        {
            "title": "Erste Schritte im Asylverfahren",
            "summary": "Anhörung, Bescheid, Fristen: wo Sie Beratung bekommen.",
            "body": "Lassen Sie sich vor der Anhörung beraten. Die Beratung ist kostenlos und "
            "unabhängig vom Bundesamt.\n\nWichtig:\n- Fristen im Bescheid beachten\n"
            "- Post regelmäßig öffnen",
        },
        {
            "en": {
                "title": "First steps in the asylum procedure",
                "summary": "Interview, decision, deadlines: where to get advice.",
                "body": "Get advice before your interview. It is free and independent of the "
                "Federal Office.\n\nImportant:\n- mind the deadlines in the decision\n"
                "- open your post regularly",
            },
            "ar": {
                "title": "الخطوات الأولى في إجراءات اللجوء",
                "summary": "المقابلة، القرار، المواعيد النهائية: أين تجدون الاستشارة.",
                "body": "احصلوا على استشارة قبل المقابلة. الاستشارة مجانية ومستقلة عن المكتب "
                "الاتحادي.\n\nمهم:\n- انتبهوا للمواعيد النهائية في القرار\n"
                "- افتحوا بريدكم بانتظام",
            },
        },
    ),
    DemoPage(
        "living",
        None,
        2,
        {
            "title": "Wohnen",
            "summary": "Wohnung finden, Gesundheit, Alltag in Leipzig.",
            "body": "Eine eigene Wohnung ist ein großer Schritt. Wir helfen bei der Suche.",
        },
        {
            "en": {
                "title": "Living",
                "summary": "Finding a flat, health, everyday life in Leipzig.",
                "body": "A flat of your own is a big step. We help you look for one.",
            },
            "uk": {
                "title": "Житло",
                "summary": "Пошук квартири, здоров'я, повсякденне життя в Лейпцигу.",
                "body": "Власна квартира — великий крок. Ми допомагаємо з пошуком.",
            },
            "ar": {
                "title": "السكن",
                "summary": "البحث عن شقة، الصحة، الحياة اليومية في لايبزيغ.",
                "body": "الشقة الخاصة خطوة كبيرة. نساعدكم في البحث.",
            },
        },
    ),
    DemoPage(
        "finding-a-flat",
        "living",
        1,
        {
            "title": "Eine Wohnung finden",
            "summary": "Wohnberechtigungsschein, Mietobergrenzen, Genossenschaften.",
            "body": "Das Jobcenter übernimmt die Miete bis zu einer Obergrenze. Fragen Sie vor "
            "dem Unterschreiben nach.\n\n- Wohnungsgenossenschaften anfragen\n"
            "- Angebote der Stadt Leipzig prüfen",
        },
        {
            "en": {
                "title": "Finding a flat",
                "summary": "Housing certificate, rent ceilings, cooperatives.",
                "body": "The job centre pays the rent up to a ceiling. Ask before you sign.\n\n"
                "- ask housing cooperatives\n- check the offers of the city of Leipzig",
            },
        },
        overdue=True,
    ),
    DemoPage(
        "health",
        "living",
        2,
        {
            "title": "Gesundheit",
            "summary": "Krankenversicherung, Hausarzt, Notfall.",
            "body": "Im Notfall rufen Sie 112.\n\nFür alles andere:\n- Hausarztpraxis\n"
            "- Ärztlicher Bereitschaftsdienst 116 117",
        },
        {
            "en": {
                "title": "Health",
                "summary": "Health insurance, family doctor, emergencies.",
                "body": "In an emergency call 112.",
            },
            "uk": {
                "title": "Здоров'я",
                "summary": "Медичне страхування, сімейний лікар, екстрені випадки.",
                "body": "У надзвичайній ситуації телефонуйте 112.",
            },
            "ar": {
                "title": "الصحة",
                "summary": "التأمين الصحي، طبيب الأسرة، الطوارئ.",
                "body": "في حالة الطوارئ اتصلوا بالرقم 112.",
            },
        },
        changed_de={
            "body": "Im Notfall rufen Sie 112.\n\nFür alles andere:\n- Hausarztpraxis\n"
            "- Ärztlicher Bereitschaftsdienst 116 117\n- Dolmetschen über das Gesundheitsamt"
        },
        retranslated={
            "en": {
                "title": "Health",
                "summary": "Health insurance, family doctor, emergencies.",
                "body": "In an emergency call 112.\n\nFor everything else:\n- a family doctor\n"
                "- the on-call medical service 116 117\n"
                "- interpreting through the public health office",
            },
            "uk": {
                "title": "Здоров'я",
                "summary": "Медичне страхування, сімейний лікар, екстрені випадки.",
                "body": "У надзвичайній ситуації телефонуйте 112.\n\nДля всього іншого:\n"
                "- сімейний лікар\n- чергова медична служба 116 117\n"
                "- перекладач через відділ охорони здоров'я",
            },
        },
    ),
    DemoPage(
        "work",
        None,
        3,
        {
            "title": "Arbeit",
            "summary": "Arbeitserlaubnis, Anerkennung, Sprachkurse für den Beruf.",
            "body": "Viele dürfen arbeiten. Die Ausländerbehörde sagt, was für Sie gilt.",
        },
        {
            "en": {
                "title": "Work",
                "summary": "Work permit, recognition, language courses for your job.",
                "body": "Many people may work. The immigration office tells you what applies.",
            },
            "uk": {
                "title": "Робота",
                "summary": "Дозвіл на роботу, визнання, професійні мовні курси.",
                "body": "Багато хто може працювати. Відомство у справах іноземців скаже, "
                "що стосується вас.",
            },
            "ar": {
                "title": "العمل",
                "summary": "تصريح العمل، الاعتراف بالشهادات، دورات اللغة المهنية.",
                "body": "يحق لكثيرين العمل. مكتب شؤون الأجانب يخبركم بما ينطبق عليكم.",
            },
        },
    ),
    DemoPage(
        "recognition",
        "work",
        1,
        {
            "title": "Berufsabschluss anerkennen lassen",
            "summary": "Wer prüft Ihren Abschluss, und was Sie dafür brauchen.",
            "body": "Für viele Berufe brauchen Sie eine Anerkennung. Die Beratung hilft beim "
            "Antrag.\n\n- Zeugnisse und Übersetzungen\n- Lebenslauf",
        },
        {
            "en": {
                "title": "Getting your qualification recognised",
                "summary": "Who checks your qualification, and what you need.",
                "body": "Many professions need a recognition. Advice helps with the "
                "application.\n\n- certificates and translations\n- CV",
            },
            "uk": {
                "title": "Визнання професійної кваліфікації",
                "summary": "Хто перевіряє вашу освіту і що для цього потрібно.",
                "body": "Для багатьох професій потрібне визнання. Консультація допоможе із "
                "заявою.\n\n- свідоцтва та переклади\n- резюме",
            },
        },
    ),
    DemoPage(
        "children",
        None,
        4,
        {
            "title": "Kinder",
            "summary": "Kita, Schule, Freizeit.",
            "body": "Kinder haben ein Recht auf einen Kita-Platz und gehen zur Schule.",
        },
        {
            "en": {
                "title": "Children",
                "summary": "Kita, school, free time.",
                "body": "Children have a right to a Kita place and go to school.",
            },
            "uk": {
                "title": "Діти",
                "summary": "Дитсадок, школа, дозвілля.",
                "body": "Діти мають право на місце в дитсадку і ходять до школи.",
            },
            "ar": {
                "title": "الأطفال",
                "summary": "الروضة، المدرسة، وقت الفراغ.",
                "body": "للأطفال الحق في مكان في الروضة ويذهبون إلى المدرسة.",
            },
        },
    ),
    DemoPage(
        "kita-and-school",
        "children",
        1,
        {
            "title": "Kita und Schule",
            "summary": "Anmeldung, Kita-Gutschein, Schulpflicht.",
            "body": "In Sachsen gilt die Schulpflicht ab sechs Jahren.\n\n"
            "- Kita-Platz im Elternportal suchen\n- Schulanmeldung bei der Bildungsagentur",
        },
        {
            "en": {
                "title": "Kita and school",
                "summary": "Registration, Kita voucher, compulsory schooling.",
                "body": "In Saxony, school is compulsory from the age of six.\n\n"
                "- look for a Kita place in the parents' portal\n"
                "- school registration at the education agency",
            },
            "uk": {
                "title": "Дитсадок і школа",
                "summary": "Реєстрація, ваучер на дитсадок, обов'язкове навчання.",
                "body": "У Саксонії навчання в школі обов'язкове з шести років.\n\n"
                "- шукайте місце в дитсадку на батьківському порталі\n"
                "- реєстрація до школи в освітньому агентстві",
            },
            "ar": {
                "title": "الروضة والمدرسة",
                "summary": "التسجيل، قسيمة الروضة، التعليم الإلزامي.",
                "body": "في ولاية ساكسونيا التعليم إلزامي من عمر ست سنوات.\n\n"
                "- ابحثوا عن مكان في الروضة عبر بوابة الأهل\n"
                "- التسجيل في المدرسة لدى وكالة التعليم",
            },
        },
    ),
)

HANDOUTS = (
    DemoHandout(
        "kita-place",
        Audience.KITAS,
        "kita-and-school",
        {
            "title": "Einen Kita-Platz finden",
            "body": "Jedes Kind ab einem Jahr hat ein Recht auf einen Platz in der Kita.\n\n"
            "- Anmeldung im Elternportal der Stadt\n- Kita-Gutschein beim Amt für Jugend",
        },
        {
            "en": {
                "title": "Finding a Kita place",
                "body": "Every child from the age of one has a right to a Kita place.\n\n"
                "- register in the city's parents' portal\n"
                "- Kita voucher from the youth office",
            },
            "uk": {
                "title": "Як знайти місце в дитсадку",
                "body": "Кожна дитина від одного року має право на місце в дитсадку.\n\n"
                "- реєстрація на батьківському порталі міста\n"
                "- ваучер на дитсадок у відомстві у справах молоді",
            },
            "ar": {
                "title": "البحث عن مكان في الروضة",
                "body": "لكل طفل من عمر سنة الحق في مكان في الروضة.\n\n"
                "- التسجيل في بوابة الأهل التابعة للمدينة\n"
                "- قسيمة الروضة من مكتب الشباب",
            },
        },
    ),
    DemoHandout(
        "school-start",
        Audience.SCHOOLS,
        "kita-and-school",
        {
            "title": "Willkommen in der Schule",
            "body": "Neu zugewanderte Kinder lernen zuerst in einer Vorbereitungsklasse "
            "Deutsch.\n\n- Schulbücher leiht die Schule\n- Fragen an die Klassenleitung",
        },
        {
            "en": {
                "title": "Welcome to school",
                "body": "Newly arrived children first learn German in a preparatory class.\n\n"
                "- the school lends the textbooks\n- ask the class teacher",
            },
            "uk": {
                "title": "Ласкаво просимо до школи",
                "body": "Новоприбулі діти спочатку вивчають німецьку в підготовчому класі."
                "\n\n- підручники позичає школа\n- питання до класного керівника",
            },
            "ar": {
                "title": "أهلا بكم في المدرسة",
                "body": "يتعلم الأطفال القادمون حديثا اللغة الألمانية أولا في صف تحضيري.\n\n"
                "- المدرسة تعير الكتب المدرسية\n- اسألوا مربي الصف",
            },
        },
        # The lunch subsidy was added in German: the Arabic stays outdated until redone.
        changed_de={
            "body": "Neu zugewanderte Kinder lernen zuerst in einer Vorbereitungsklasse "
            "Deutsch.\n\n- Schulbücher leiht die Schule\n- Fragen an die Klassenleitung\n"
            "- Zuschuss zum Mittagessen über Bildung und Teilhabe"
        },
        retranslated={
            "en": {
                "title": "Welcome to school",
                "body": "Newly arrived children first learn German in a preparatory class.\n\n"
                "- the school lends the textbooks\n- ask the class teacher\n"
                "- lunch subsidy through 'Education and Participation'",
            },
            "uk": {
                "title": "Ласкаво просимо до школи",
                "body": "Новоприбулі діти спочатку вивчають німецьку в підготовчому класі."
                "\n\n- підручники позичає школа\n- питання до класного керівника\n"
                "- доплата на обід через програму «Освіта та участь»",
            },
        },
    ),
    DemoHandout(
        "sports-club",
        Audience.CLUBS,
        None,
        {
            "title": "Mitmachen im Sportverein",
            "body": "Sportvereine freuen sich über neue Mitglieder. Der Beitrag kann über "
            "Bildung und Teilhabe bezahlt werden.\n\n- Probetraining ist meist kostenlos",
        },
        {
            "en": {
                "title": "Joining a sports club",
                "body": "Sports clubs welcome new members. The fee can be paid through "
                "'Education and Participation'.\n\n- a trial session is usually free",
            },
            "ar": {
                "title": "الانضمام إلى نادٍ رياضي",
                "body": "ترحب الأندية الرياضية بالأعضاء الجدد. يمكن دفع الاشتراك عبر برنامج "
                "التعليم والمشاركة.\n\n- التدريب التجريبي مجاني غالبا",
            },
        },
    ),
)


def _editor() -> User | None:
    return (
        User.objects.filter(username=EDITOR_USERNAME).first()
        or User.objects.filter(role=Role.COORDINATOR).order_by("pk").first()
    )


def load_content(report: DemoReport) -> None:
    editor = _editor()
    if editor is None:
        report.warnings.append("content: no coordinator to write the pages; none loaded")
        return
    pages: dict[str, Page] = {}
    for spec in PAGES:  # parents come before their children
        pages[spec.slug] = _page(
            spec, pages.get(spec.parent) if spec.parent else None, editor, report
        )
    for spec in HANDOUTS:
        _handout(spec, pages.get(spec.page) if spec.page else None, editor, report)


def _translate_and_change(record, spec, editor) -> None:
    for language, fields in spec.translations.items():
        services.translate(record, actor=editor, language=language, fields=fields)
    if spec.changed_de:
        if isinstance(record, Page):
            services.update_page(record, actor=editor, changes=spec.changed_de)
        else:
            services.update_handout(record, actor=editor, changes=spec.changed_de)
        for language, fields in spec.retranslated.items():
            services.translate(record, actor=editor, language=language, fields=fields)
    services.publish(record, actor=editor)


@transaction.atomic
def _page(spec: DemoPage, parent: Page | None, editor: User, report: DemoReport) -> Page:
    existing = Page.objects.filter(slug=spec.slug, parent=parent).first()
    if existing is not None:
        report.count("pages", False)
        return existing
    page = services.create_page(
        actor=editor, slug=spec.slug, parent=parent, position=spec.position, **spec.de
    )
    _translate_and_change(page, spec, editor)
    if spec.overdue:
        # Last confirmed long ago, so that the editors' page lists something overdue.
        Page.objects.filter(pk=page.pk).update(
            last_confirmed_on=timezone.localdate() - timedelta(days=400)
        )
    report.count("pages", True)
    return page


@transaction.atomic
def _handout(spec: DemoHandout, page: Page | None, editor: User, report: DemoReport) -> None:
    if Handout.objects.filter(slug=spec.slug).exists():
        report.count("handouts", False)
        return
    handout = services.create_handout(
        actor=editor, slug=spec.slug, audience=spec.audience, page=page, **spec.de
    )
    _translate_and_change(handout, spec, editor)
    report.count("handouts", True)
