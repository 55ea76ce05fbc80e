"""The web pages: sign-in, one-click links, inbox, matches, the coordinators' dashboard."""

from django.contrib.auth import views as auth_views
from django.urls import path

from web import coordination_views, inbox_views, link_views, otp_views, report_views, views

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
]
