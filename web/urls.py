"""The web pages: sign-in, one-click links, inbox, matches, the coordinators' dashboard."""

from django.contrib.auth import views as auth_views
from django.urls import path

from web import (
    account_views,
    content_views,
    coordination_pages,
    coordination_tools,
    coordination_views,
    directory_views,
    donation_views,
    event_views,
    housing_views,
    inbox_views,
    initiative_views,
    job_views,
    kept_views,
    link_views,
    otp_views,
    report_views,
    room_views,
    views,
    volunteer_views,
)

urlpatterns = [
    path("i18n/setlang/", views.set_language, name="set_language"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The second factor of coordinators, admins and staff (web/otp_views.py).
    path("account/two-factor/", otp_views.two_factor, name="two-factor"),
    # Password reset by email: also ends a lockout of the account (accounts/passwords.py).
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(template_name="web/password_reset_form.html"),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="web/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="web/password_reset_confirm.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="web/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("l/<str:token>/", link_views.action_link, name="action-link"),
    path("inbox/", inbox_views.inbox, name="inbox"),
    path("inbox/read-all/", inbox_views.mark_all_read, name="inbox-read-all"),
    path("inbox/<int:pk>/read/", inbox_views.mark_read, name="inbox-read"),
    path("matches/<int:pk>/", inbox_views.match_detail, name="match"),
    path("matches/<int:pk>/respond/", inbox_views.match_respond, name="match-respond"),
    path("matches/<int:pk>/handover/", inbox_views.match_fulfil, name="match-fulfil"),
    path("matches/<int:pk>/picked-up/", inbox_views.match_pickup, name="match-pickup"),
    path("matches/<int:pk>/messages/", inbox_views.match_message, name="match-message"),
    path("coordination/", coordination_views.dashboard, name="coordination"),
    path(
        "coordination/matches/<int:pk>/approve/",
        coordination_views.approve,
        name="coordination-approve",
    ),
    path(
        "coordination/matches/<int:pk>/reject/",
        coordination_views.reject,
        name="coordination-reject",
    ),
    # area: coordination — the review queue's bulk decisions, the unmet needs with the
    # engine's reasons, the figures, the map of supply and demand (web/coordination_views.py,
    # web/coordination_pages.py).
    path("coordination/bulk/", coordination_views.bulk, name="coordination-bulk"),
    path("coordination/unmet/", coordination_pages.unmet, name="coordination-unmet"),
    path("coordination/figures/", coordination_pages.figures_page, name="coordination-figures"),
    path("coordination/map/", coordination_pages.supply_map, name="coordination-map"),
    path(
        "coordination/map/points/",
        coordination_pages.map_points,
        name="coordination-map-points",
    ),
    # area: coordination-tools — match by hand, cancel a match, hand a need over to another
    # initiative (web/coordination_tools.py).
    path("coordination/manual/", coordination_tools.manual_match, name="coordination-manual"),
    path(
        "coordination/matches/<int:pk>/cancel/",
        coordination_tools.cancel_match,
        name="coordination-cancel",
    ),
    path(
        "coordination/needs/<str:kind>/<int:pk>/hand-over/",
        coordination_tools.hand_over,
        name="coordination-hand-over",
    ),
    # Report a problem (signed in, or from the link in a match email) and its handling.
    path("report/l/<str:token>/", report_views.report_link, name="report-link"),
    path("report/<str:target>/<int:pk>/", report_views.report_form, name="report"),
    path("coordination/reports/<int:pk>/take/", report_views.take, name="coordination-report-take"),
    path("coordination/reports/<int:pk>/note/", report_views.note, name="coordination-report-note"),
    path(
        "coordination/reports/<int:pk>/close/",
        report_views.close,
        name="coordination-report-close",
    ),
    path(
        "coordination/reports/<int:pk>/suspend/",
        report_views.suspend,
        name="coordination-report-suspend",
    ),
    path(
        "coordination/suspensions/<int:user_pk>/lift/",
        report_views.lift,
        name="coordination-suspension-lift",
    ),
    # Donors (issue 13, area "donations"): my donations, give something, edit, withdraw.
    path("donations/", donation_views.my_donations, name="donations"),
    path("donations/new/", donation_views.new_donation, name="donation-new"),
    path("donations/<int:pk>/edit/", donation_views.edit_donation, name="donation-edit"),
    path(
        "donations/<int:pk>/withdraw/",
        donation_views.withdraw_donation,
        name="donation-withdraw",
    ),
    # area: volunteer — the volunteer's profile, shifts, calendar files and feed
    # (web/volunteer_views.py).
    path("volunteer/profile/", volunteer_views.profile, name="volunteer-profile"),
    path("volunteer/shifts/", volunteer_views.shifts, name="volunteer-shifts"),
    path("volunteer/shifts/<int:pk>.ics", volunteer_views.shift_ics, name="volunteer-shift-ics"),
    path(
        "volunteer/calendar/renew/",
        volunteer_views.renew_feed,
        name="volunteer-calendar-renew",
    ),
    path("calendar/<str:token>.ics", volunteer_views.calendar_feed, name="calendar-feed"),
    # area: initiative — our needs of every kind, their matches, posting, CSV import, members
    # (web/initiative_views.py).
    path("initiative/", initiative_views.overview, name="initiative"),
    path(
        "initiative/needs/goods/new/",
        initiative_views.goods_need_new,
        name="initiative-goods-new",
    ),
    path(
        "initiative/needs/goods/<int:pk>/edit/",
        initiative_views.goods_need_edit,
        name="initiative-goods-edit",
    ),
    path(
        "initiative/needs/goods/<int:pk>/withdraw/",
        initiative_views.goods_need_withdraw,
        name="initiative-goods-withdraw",
    ),
    path(
        "initiative/needs/volunteers/new/",
        initiative_views.volunteer_need_new,
        name="initiative-volunteers-new",
    ),
    path(
        "initiative/needs/volunteers/<int:pk>/edit/",
        initiative_views.volunteer_need_edit,
        name="initiative-volunteers-edit",
    ),
    path(
        "initiative/needs/volunteers/<int:pk>/withdraw/",
        initiative_views.volunteer_need_withdraw,
        name="initiative-volunteers-withdraw",
    ),
    path("initiative/needs/import/", initiative_views.import_needs, name="initiative-import"),
    path("initiative/members/", initiative_views.members, name="initiative-members"),
    path(
        "initiative/members/<int:pk>/approve/",
        initiative_views.member_approve,
        name="initiative-member-approve",
    ),
    path(
        "initiative/members/<int:pk>/reject/",
        initiative_views.member_reject,
        name="initiative-member-reject",
    ),
    # area: account — registration by role, welcome, settings, export, erasure
    # (web/account_views.py).
    path("register/", account_views.register_choose, name="register"),
    path("register/welcome/", account_views.welcome, name="register-welcome"),
    path("register/<str:role>/", account_views.register, name="register-role"),
    path("account/settings/", account_views.account_settings, name="account-settings"),
    path("account/export/", account_views.export, name="account-export"),
    path("account/erase/", account_views.erase, name="account-erase"),
    # area: housing — flats of landlords, households of initiatives (web/housing_views.py).
    path("flats/", housing_views.my_flats, name="flats"),
    path("flats/new/", housing_views.new_flat, name="flat-new"),
    path("flats/<int:pk>/edit/", housing_views.edit_flat, name="flat-edit"),
    path("flats/<int:pk>/withdraw/", housing_views.withdraw_flat, name="flat-withdraw"),
    path("households/", housing_views.our_households, name="households"),
    path("households/new/", housing_views.new_household, name="household-new"),
    path("households/<int:pk>/edit/", housing_views.edit_household, name="household-edit"),
    path(
        "households/<int:pk>/withdraw/",
        housing_views.withdraw_household,
        name="household-withdraw",
    ),
    # area: kept — what organisations keep on the hub, confirmed as still right (web/kept_views.py).
    path("kept/", kept_views.kept, name="kept"),
    path("kept/<str:label>/<int:pk>/confirm/", kept_views.confirm, name="kept-confirm"),
    # area: rooms — rooms initiatives request and owners confirm (issue 14; web/room_views.py).
    path("rooms/", room_views.room_list, name="rooms"),
    path("rooms/new/", room_views.new_room, name="room-new"),
    path("rooms/<int:pk>/edit/", room_views.edit_room, name="room-edit"),
    path("rooms/requests/", room_views.our_requests, name="room-requests"),
    path("rooms/requests/new/", room_views.new_request, name="room-request-new"),
    path(
        "rooms/requests/<int:pk>/withdraw/",
        room_views.withdraw_request,
        name="room-request-withdraw",
    ),
    path("rooms/decide/", room_views.decide, name="rooms-decide"),
    path(
        "rooms/requests/<int:pk>/confirm/", room_views.confirm_request, name="room-request-confirm"
    ),
    path(
        "rooms/requests/<int:pk>/decline/", room_views.decline_request, name="room-request-decline"
    ),
    path("rooms/bookings/<int:pk>/cancel/", room_views.cancel_booking, name="room-booking-cancel"),
    path("rooms/bookings/<int:pk>.ics", room_views.booking_ics, name="room-booking-ics"),
    # area: events — events and courses, their calendar files and feeds (issue 14;
    # web/event_views.py).
    path("events/", event_views.event_list, name="events"),
    path("events/new/", event_views.event_new, name="event-new"),
    path("events/<int:pk>/", event_views.event_detail, name="event-detail"),
    path("events/<int:pk>/calendar.ics", event_views.event_calendar, name="event-calendar"),
    path("events/manage/", event_views.event_manage, name="event-manage"),
    path("events/<int:pk>/edit/", event_views.event_edit, name="event-edit"),
    path("events/<int:pk>/dates/", event_views.event_dates, name="event-dates"),
    path("events/<int:pk>/status/", event_views.event_status, name="event-status"),
    # area: content — information pages, handouts, editors' translation status (issue 14;
    # web/content_views.py).
    path("info/", content_views.topics, name="info"),
    path("info/<path:path>/", content_views.page, name="info-page"),
    path("handouts/", content_views.handouts, name="handouts"),
    path(
        "handouts/<slug:slug>/<str:language>.pdf",
        content_views.handout_pdf,
        name="handout-pdf",
    ),
    path("coordination/content/", content_views.status, name="content-status"),
    path("coordination/content/pages/new/", content_views.page_new, name="content-page-new"),
    path(
        "coordination/content/pages/<int:pk>/",
        content_views.page_edit,
        name="content-page-edit",
    ),
    path(
        "coordination/content/pages/<int:pk>/translate/<str:language>/",
        content_views.page_translate,
        name="content-page-translate",
    ),
    path(
        "coordination/content/pages/<int:pk>/<str:step>/",
        content_views.page_step,
        name="content-page-step",
    ),
    path(
        "coordination/content/handouts/new/",
        content_views.handout_new,
        name="content-handout-new",
    ),
    path(
        "coordination/content/handouts/<int:pk>/",
        content_views.handout_edit,
        name="content-handout-edit",
    ),
    path(
        "coordination/content/handouts/<int:pk>/translate/<str:language>/",
        content_views.handout_translate,
        name="content-handout-translate",
    ),
    path(
        "coordination/content/handouts/<int:pk>/<str:step>/",
        content_views.handout_step,
        name="content-handout-step",
    ),
    path(
        "coordination/content/confirm/<str:kind>/<int:pk>/",
        content_views.confirm,
        name="content-confirm",
    ),
    # area: directory — services and providers (issue 14; web/directory_views.py).
    path("directory/", directory_views.search, name="directory"),
    path("directory/print/", directory_views.printable, name="directory-print"),
    path("directory/services/<int:pk>/", directory_views.service_page, name="directory-service"),
    path("directory/providers/<int:pk>/", directory_views.provider_page, name="directory-provider"),
    path("directory/manage/", directory_views.manage, name="directory-manage"),
    path(
        "directory/manage/profile/<int:organisation_pk>/",
        directory_views.edit_profile,
        name="directory-profile-edit",
    ),
    path(
        "directory/manage/providers/<int:pk>/publish/",
        directory_views.publish_profile,
        name="directory-profile-publish",
    ),
    path(
        "directory/manage/providers/<int:pk>/approve/",
        directory_views.approve_profile,
        name="directory-profile-approve",
    ),
    path(
        "directory/manage/providers/<int:provider_pk>/services/new/",
        directory_views.new_service,
        name="directory-service-new",
    ),
    path(
        "directory/manage/services/<int:pk>/edit/",
        directory_views.edit_service,
        name="directory-service-edit",
    ),
    path(
        "directory/manage/services/<int:pk>/publish/",
        directory_views.publish_service,
        name="directory-service-publish",
    ),
    path(
        "directory/manage/services/<int:pk>/approve/",
        directory_views.approve_service,
        name="directory-service-approve",
    ),
    path(
        "directory/manage/services/<int:pk>/confirm/",
        directory_views.confirm_service,
        name="directory-service-confirm",
    ),
    # area: jobs — employers, people looking for work (issue 15; web/job_views.py)
    path("work/", job_views.work, name="work"),
    path("work/employers/new/", job_views.new_employer, name="work-employer-new"),
    path("work/jobs/", job_views.our_jobs, name="jobs"),
    path("work/jobs/new/", job_views.new_job, name="job-new"),
    path("work/jobs/<int:pk>/edit/", job_views.edit_job, name="job-edit"),
    path("work/jobs/<int:pk>/withdraw/", job_views.withdraw_job, name="job-withdraw"),
    path("work/profile/", job_views.my_profile, name="work-profile"),
    path("work/profile/new/", job_views.new_profile, name="work-profile-new"),
    path("work/profiles/<int:pk>/edit/", job_views.edit_profile, name="work-profile-edit"),
    path(
        "work/profiles/<int:pk>/withdraw/",
        job_views.withdraw_profile,
        name="work-profile-withdraw",
    ),
    path("work/profiles/<int:pk>/why/", job_views.why_no_proposal, name="work-profile-why"),
    path("work/counselling/", job_views.counselling, name="work-counselling"),
    path("work/counselling/new/", job_views.new_kept_profile, name="work-counselling-new"),
    path("work/employers/", job_views.employers_to_check, name="work-employers"),
    path("work/employers/<int:pk>/check/", job_views.check_employer, name="work-employer-check"),
    path(
        "work/employers/<int:pk>/withdraw-check/",
        job_views.withdraw_check,
        name="work-employer-uncheck",
    ),
    path(
        "work/jobs/<int:pk>/residence/",
        job_views.correct_residence,
        name="work-job-residence",
    ),
]
