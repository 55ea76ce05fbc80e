"""Every endpoint of the API, one line each: from a URL to its class in one hop, and from the
class (which names its serializers and the service it calls) to the behaviour in the next."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api import (
    accounts,
    content,
    diagnostics,
    directory,
    events,
    goods,
    housing,
    jobs,
    kept,
    matches,
    notifications,
    rooms,
    safety,
    volunteers,
)

app_name = "api"

urlpatterns = [
    # --- accounts and initiatives ---
    path("auth/token/", accounts.TokenLoginApi.as_view(), name="token"),
    path("auth/register/", accounts.RegisterApi.as_view(), name="register"),
    path("organisations/", accounts.OrganisationListApi.as_view(), name="organisations"),
    path(
        "organisations/<int:pk>/memberships/",
        accounts.MembershipListApi.as_view(),
        name="organisation-memberships",
    ),
    path(
        "organisations/<int:pk>/memberships/<int:mid>/approve/",
        accounts.MembershipApproveApi.as_view(),
        name="membership-approve",
    ),
    path(
        "organisations/<int:pk>/memberships/<int:mid>/reject/",
        accounts.MembershipRejectApi.as_view(),
        name="membership-reject",
    ),
    path("users/<int:pk>/role/", accounts.UserRoleApi.as_view(), name="user-role"),
    path("me/", accounts.MeApi.as_view(), name="me"),
    path("me/export/", accounts.MeExportApi.as_view(), name="me-export"),
    path("me/erase/", accounts.MeEraseApi.as_view(), name="me-erase"),
    # --- goods ---
    path("categories/", goods.CategoryListApi.as_view(), name="categories"),
    path("goods-needs/", goods.GoodsNeedListCreateApi.as_view(), name="goods-needs"),
    path("goods-needs/import/", goods.GoodsNeedImportApi.as_view(), name="goods-needs-import"),
    path("goods-needs/map/", goods.GoodsNeedMapApi.as_view(), name="goods-needs-map"),
    path("goods-needs/<int:pk>/", goods.GoodsNeedDetailApi.as_view(), name="goods-needs-detail"),
    path(
        "goods-needs/<int:pk>/withdraw/",
        goods.GoodsNeedWithdrawApi.as_view(),
        name="goods-needs-withdraw",
    ),
    path(
        "goods-needs/<int:pk>/publish/",
        goods.GoodsNeedPublishApi.as_view(),
        name="goods-needs-publish",
    ),
    path("donation-offers/", goods.DonationOfferListCreateApi.as_view(), name="donation-offers"),
    path("donation-offers/map/", goods.DonationOfferMapApi.as_view(), name="donation-offers-map"),
    path(
        "donation-offers/<int:pk>/",
        goods.DonationOfferDetailApi.as_view(),
        name="donation-offers-detail",
    ),
    path(
        "donation-offers/<int:pk>/withdraw/",
        goods.DonationOfferWithdrawApi.as_view(),
        name="donation-offers-withdraw",
    ),
    path(
        "donation-offers/<int:pk>/publish/",
        goods.DonationOfferPublishApi.as_view(),
        name="donation-offers-publish",
    ),
    # --- volunteers ---
    path("skills/", volunteers.SkillListApi.as_view(), name="skills"),
    path(
        "volunteer-profiles/",
        volunteers.VolunteerProfileListCreateApi.as_view(),
        name="volunteer-profiles",
    ),
    path(
        "volunteer-profiles/map/",
        volunteers.VolunteerProfileMapApi.as_view(),
        name="volunteer-profiles-map",
    ),
    path(
        "volunteer-profiles/<int:pk>/",
        volunteers.VolunteerProfileDetailApi.as_view(),
        name="volunteer-profiles-detail",
    ),
    path(
        "volunteer-profiles/<int:pk>/withdraw/",
        volunteers.VolunteerProfileWithdrawApi.as_view(),
        name="volunteer-profiles-withdraw",
    ),
    path(
        "volunteer-profiles/<int:pk>/publish/",
        volunteers.VolunteerProfilePublishApi.as_view(),
        name="volunteer-profiles-publish",
    ),
    path(
        "volunteer-needs/",
        volunteers.VolunteerNeedListCreateApi.as_view(),
        name="volunteer-needs",
    ),
    path(
        "volunteer-needs/map/",
        volunteers.VolunteerNeedMapApi.as_view(),
        name="volunteer-needs-map",
    ),
    path(
        "volunteer-needs/<int:pk>/",
        volunteers.VolunteerNeedDetailApi.as_view(),
        name="volunteer-needs-detail",
    ),
    path(
        "volunteer-needs/<int:pk>/withdraw/",
        volunteers.VolunteerNeedWithdrawApi.as_view(),
        name="volunteer-needs-withdraw",
    ),
    path(
        "volunteer-needs/<int:pk>/publish/",
        volunteers.VolunteerNeedPublishApi.as_view(),
        name="volunteer-needs-publish",
    ),
    # --- housing ---
    path("housing-offers/", housing.HousingOfferListCreateApi.as_view(), name="housing-offers"),
    path("housing-offers/map/", housing.HousingOfferMapApi.as_view(), name="housing-offers-map"),
    path(
        "housing-offers/<int:pk>/",
        housing.HousingOfferDetailApi.as_view(),
        name="housing-offers-detail",
    ),
    path(
        "housing-offers/<int:pk>/withdraw/",
        housing.HousingOfferWithdrawApi.as_view(),
        name="housing-offers-withdraw",
    ),
    path(
        "housing-offers/<int:pk>/publish/",
        housing.HousingOfferPublishApi.as_view(),
        name="housing-offers-publish",
    ),
    path("housing-needs/", housing.HousingNeedListCreateApi.as_view(), name="housing-needs"),
    path("housing-needs/map/", housing.HousingNeedMapApi.as_view(), name="housing-needs-map"),
    path(
        "housing-needs/<int:pk>/",
        housing.HousingNeedDetailApi.as_view(),
        name="housing-needs-detail",
    ),
    path(
        "housing-needs/<int:pk>/withdraw/",
        housing.HousingNeedWithdrawApi.as_view(),
        name="housing-needs-withdraw",
    ),
    path(
        "housing-needs/<int:pk>/publish/",
        housing.HousingNeedPublishApi.as_view(),
        name="housing-needs-publish",
    ),
    # --- matches and their workflow ---
    path("handovers/", matches.HandoverListApi.as_view(), name="handovers"),
    path("matches/", matches.MatchListApi.as_view(), name="matches"),
    path("matches/<int:pk>/", matches.MatchDetailApi.as_view(), name="match-detail"),
    path("matches/<int:pk>/approve/", matches.MatchApproveApi.as_view(), name="match-approve"),
    path("matches/<int:pk>/reject/", matches.MatchRejectApi.as_view(), name="match-reject"),
    path("matches/<int:pk>/accept/", matches.MatchAcceptApi.as_view(), name="match-accept"),
    path("matches/<int:pk>/decline/", matches.MatchDeclineApi.as_view(), name="match-decline"),
    path("matches/<int:pk>/fulfil/", matches.MatchFulfilApi.as_view(), name="match-fulfil"),
    path("matches/<int:pk>/picked-up/", matches.MatchPickedUpApi.as_view(), name="match-picked-up"),
    path(
        "matches/<int:pk>/not-happened/",
        matches.MatchNotHappenedApi.as_view(),
        name="match-not-happened",
    ),
    path("matches/<int:pk>/cancel/", matches.MatchCancelApi.as_view(), name="match-cancel"),
    path("matches/<int:pk>/events/", matches.MatchEventListApi.as_view(), name="match-events"),
    path(
        "matches/<int:pk>/messages/", matches.MatchMessageListApi.as_view(), name="match-messages"
    ),
    path("diagnostics/", diagnostics.DiagnosticsListApi.as_view(), name="diagnostics"),
    path(
        "diagnostics/<str:kind>/<int:pk>/",
        diagnostics.DiagnosticsDetailApi.as_view(),
        name="diagnostics-detail",
    ),
    # --- notifications ---
    path(
        "me/notification-preferences/",
        notifications.PreferencesApi.as_view(),
        name="notification-preferences",
    ),
    path("inbox/", notifications.InboxApi.as_view(), name="inbox"),
    path("inbox/unread-count/", notifications.UnreadCountApi.as_view(), name="inbox-unread-count"),
    path("inbox/read-all/", notifications.InboxReadAllApi.as_view(), name="inbox-read-all"),
    path("inbox/<int:pk>/read/", notifications.InboxReadApi.as_view(), name="inbox-read"),
    path(
        "organisations/<int:pk>/webhooks/",
        notifications.WebhookListApi.as_view(),
        name="organisation-webhooks",
    ),
    path(
        "organisations/<int:pk>/webhooks/<int:wid>/",
        notifications.WebhookDetailApi.as_view(),
        name="organisation-webhook-detail",
    ),
    path(
        "organisations/<int:pk>/webhooks/<int:wid>/deliveries/",
        notifications.WebhookDeliveryLogApi.as_view(),
        name="organisation-webhook-deliveries",
    ),
    path(
        "notifications/failed/",
        notifications.FailedNotificationListApi.as_view(),
        name="notifications-failed",
    ),
    path(
        "notifications/<int:pk>/retry/",
        notifications.NotificationRetryApi.as_view(),
        name="notification-retry",
    ),
    path(
        "webhook-deliveries/",
        notifications.WebhookDeliveryListApi.as_view(),
        name="webhook-deliveries",
    ),
    path(
        "webhook-deliveries/<int:pk>/retry/",
        notifications.WebhookDeliveryRetryApi.as_view(),
        name="webhook-delivery-retry",
    ),
    # --- safety: reports, suspension, checks ---
    path("reports/", safety.ReportListCreateApi.as_view(), name="reports"),
    path("reports/<int:pk>/", safety.ReportDetailApi.as_view(), name="report-detail"),
    path("reports/<int:pk>/take/", safety.ReportTakeApi.as_view(), name="report-take"),
    path("reports/<int:pk>/notes/", safety.ReportNoteApi.as_view(), name="report-notes"),
    path("reports/<int:pk>/close/", safety.ReportCloseApi.as_view(), name="report-close"),
    path("users/<int:pk>/suspend/", safety.UserSuspendApi.as_view(), name="user-suspend"),
    path(
        "users/<int:pk>/lift-suspension/",
        safety.UserLiftSuspensionApi.as_view(),
        name="user-lift-suspension",
    ),
    path(
        "users/<int:pk>/suspensions/",
        safety.UserSuspensionListApi.as_view(),
        name="user-suspensions",
    ),
    path("users/<int:pk>/checks/", safety.UserCheckListApi.as_view(), name="user-checks"),
    path("checks/<int:pk>/withdraw/", safety.CheckWithdrawApi.as_view(), name="check-withdraw"),
    path(
        "housing-offers/<int:pk>/checks/",
        safety.FlatChecksApi.as_view(),
        name="housing-offers-checks",
    ),
    # --- rooms for initiatives (issue 14; api/rooms.py) ---
    path("rooms/", rooms.RoomListCreateApi.as_view(), name="rooms"),
    path("rooms/map/", rooms.RoomMapApi.as_view(), name="rooms-map"),
    path("rooms/<int:pk>/", rooms.RoomDetailApi.as_view(), name="rooms-detail"),
    path("room-requests/", rooms.RoomRequestListCreateApi.as_view(), name="room-requests"),
    path(
        "room-requests/to-decide/",
        rooms.RoomRequestToDecideApi.as_view(),
        name="room-requests-to-decide",
    ),
    path(
        "room-requests/<int:pk>/suitable-rooms/",
        rooms.RoomRequestSuitableRoomsApi.as_view(),
        name="room-requests-suitable-rooms",
    ),
    path(
        "room-requests/<int:pk>/confirm/",
        rooms.RoomRequestConfirmApi.as_view(),
        name="room-requests-confirm",
    ),
    path(
        "room-requests/<int:pk>/decline/",
        rooms.RoomRequestDeclineApi.as_view(),
        name="room-requests-decline",
    ),
    path(
        "room-requests/<int:pk>/withdraw/",
        rooms.RoomRequestWithdrawApi.as_view(),
        name="room-requests-withdraw",
    ),
    path("bookings/<int:pk>/cancel/", rooms.BookingCancelApi.as_view(), name="bookings-cancel"),
    # --- events and courses (issue 14; api/events.py) ---
    path("events/", events.OccurrenceListApi.as_view(), name="events"),
    path("events/feed.ics", events.FeedApi.as_view(), name="events-feed"),
    path("events/map/", events.MapApi.as_view(), name="events-map"),
    path("event-categories/", events.CategoryListApi.as_view(), name="event-categories"),
    path("event-series/", events.SeriesCreateApi.as_view(), name="event-series"),
    path("event-series/<int:pk>/", events.SeriesDetailApi.as_view(), name="event-series-detail"),
    path("event-series/<int:pk>/ics/", events.SeriesCalendarApi.as_view(), name="event-series-ics"),
    path(
        "event-series/<int:pk>/cancel-date/",
        events.SeriesCancelDateApi.as_view(),
        name="event-series-cancel-date",
    ),
    path(
        "event-series/<int:pk>/add-date/",
        events.SeriesAddDateApi.as_view(),
        name="event-series-add-date",
    ),
    path(
        "event-series/<int:pk>/confirm/",
        events.SeriesConfirmApi.as_view(),
        name="event-series-confirm",
    ),
    path(
        "event-series/<int:pk>/submit/",
        events.SeriesSubmitApi.as_view(),
        name="event-series-submit",
    ),
    path(
        "event-series/<int:pk>/approve/",
        events.SeriesApproveApi.as_view(),
        name="event-series-approve",
    ),
    # --- information pages and handouts (issue 14; api/content.py) ---
    path("content/pages/", content.PageListApi.as_view(), name="content-pages"),
    path("content/pages/<int:pk>/", content.PageDetailApi.as_view(), name="content-page-detail"),
    path(
        "content/pages/<int:pk>/translations/<str:language>/",
        content.PageTranslationApi.as_view(),
        name="content-page-translation",
    ),
    path(
        "content/pages/<int:pk>/submit/",
        content.PageSubmitApi.as_view(),
        name="content-page-submit",
    ),
    path(
        "content/pages/<int:pk>/approve/",
        content.PageApproveApi.as_view(),
        name="content-page-approve",
    ),
    path(
        "content/pages/<int:pk>/publish/",
        content.PagePublishApi.as_view(),
        name="content-page-publish",
    ),
    path("content/handouts/", content.HandoutListApi.as_view(), name="content-handouts"),
    path(
        "content/handouts/<int:pk>/",
        content.HandoutDetailApi.as_view(),
        name="content-handout-detail",
    ),
    path(
        "content/handouts/<int:pk>/translations/<str:language>/",
        content.HandoutTranslationApi.as_view(),
        name="content-handout-translation",
    ),
    path(
        "content/handouts/<int:pk>/publish/",
        content.HandoutPublishApi.as_view(),
        name="content-handout-publish",
    ),
    path(
        "content/handouts/<int:pk>/pdf/",
        content.HandoutPdfApi.as_view(),
        name="content-handout-pdf",
    ),
    path(
        "content/translation-status/",
        content.TranslationStatusApi.as_view(),
        name="content-translation-status",
    ),
    # --- directory of services and providers (issue 14; api/directory.py) ---
    path("directory/topics/", directory.TopicListApi.as_view(), name="directory-topics"),
    path(
        "directory/languages/",
        directory.SpokenLanguageListApi.as_view(),
        name="directory-languages",
    ),
    path(
        "directory/services/",
        directory.ServiceListCreateApi.as_view(),
        name="directory-services",
    ),
    path(
        "directory/services/map/",
        directory.ServiceMapApi.as_view(),
        name="directory-services-map",
    ),
    path(
        "directory/services/<int:pk>/",
        directory.ServiceDetailApi.as_view(),
        name="directory-services-detail",
    ),
    path(
        "directory/services/<int:pk>/publish/",
        directory.ServicePublishApi.as_view(),
        name="directory-services-publish",
    ),
    path(
        "directory/services/<int:pk>/approve/",
        directory.ServiceApproveApi.as_view(),
        name="directory-services-approve",
    ),
    path(
        "directory/providers/",
        directory.ProviderListCreateApi.as_view(),
        name="directory-providers",
    ),
    path(
        "directory/providers/<int:pk>/",
        directory.ProviderDetailApi.as_view(),
        name="directory-providers-detail",
    ),
    path(
        "directory/providers/<int:pk>/publish/",
        directory.ProviderPublishApi.as_view(),
        name="directory-providers-publish",
    ),
    path(
        "directory/providers/<int:pk>/approve/",
        directory.ProviderApproveApi.as_view(),
        name="directory-providers-approve",
    ),
    # --- kept records (issue 14; api/kept.py) ---
    path("kept/", kept.KeptListApi.as_view(), name="kept"),
    path(
        "kept/<str:label>/<int:pk>/confirm/",
        kept.KeptConfirmApi.as_view(),
        name="kept-confirm",
    ),
    # --- work: employers, jobs, people looking for work (issue 15; api/jobs.py) ---
    path("occupations/", jobs.OccupationListApi.as_view(), name="occupations"),
    path("employers/", jobs.EmployerListCreateApi.as_view(), name="employers"),
    path("employers/<int:pk>/check/", jobs.EmployerCheckApi.as_view(), name="employers-check"),
    path(
        "employers/<int:pk>/uncheck/", jobs.EmployerUncheckApi.as_view(), name="employers-uncheck"
    ),
    path("jobs/", jobs.JobListCreateApi.as_view(), name="jobs"),
    path("jobs/map/", jobs.JobMapApi.as_view(), name="jobs-map"),
    path("jobs/<int:pk>/", jobs.JobDetailApi.as_view(), name="jobs-detail"),
    path("jobs/<int:pk>/withdraw/", jobs.JobWithdrawApi.as_view(), name="jobs-withdraw"),
    path("jobs/<int:pk>/publish/", jobs.JobPublishApi.as_view(), name="jobs-publish"),
    path("jobs/<int:pk>/residence/", jobs.JobResidenceApi.as_view(), name="jobs-residence"),
    path("jobs/<int:pk>/diagnosis/", jobs.JobDiagnosisApi.as_view(), name="jobs-diagnosis"),
    path("job-seekers/", jobs.JobSeekerListCreateApi.as_view(), name="job-seekers"),
    path("job-seekers/<int:pk>/", jobs.JobSeekerDetailApi.as_view(), name="job-seekers-detail"),
    path(
        "job-seekers/<int:pk>/withdraw/",
        jobs.JobSeekerWithdrawApi.as_view(),
        name="job-seekers-withdraw",
    ),
    path(
        "job-seekers/<int:pk>/publish/",
        jobs.JobSeekerPublishApi.as_view(),
        name="job-seekers-publish",
    ),
    path(
        "job-seekers/<int:pk>/diagnosis/",
        jobs.JobSeekerDiagnosisApi.as_view(),
        name="job-seekers-diagnosis",
    ),
    # --- documentation ---
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
