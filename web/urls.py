"""The web pages: sign-in, one-click links, inbox, matches, the coordinators' dashboard."""

from django.contrib.auth import views as auth_views
from django.urls import path

from web import coordination_views, inbox_views, link_views, views

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
]
