from django.urls import path

from wizard.views import share as views

app_name = "share"

urlpatterns = [
    path("plans/save/", views.save, name="save"),
    path("plans/keep-mine/", views.keep_mine, name="keep_mine"),
    path("plans/merge/", views.merge_both, name="merge_both"),
    path("plans/take-latest/", views.take_latest, name="take_latest"),
    path("p/<str:share_id>/", views.shared_plan, name="shared_plan"),
    path("p/<str:share_id>/r/<int:number>/", views.shared_revision, name="shared_revision"),
    path("p/<str:share_id>/files/<path:name>", views.download, name="download"),
    path(
        "p/<str:share_id>/r/<int:number>/files/<path:name>",
        views.download,
        name="download_revision",
    ),
    path("p/<str:share_id>/history/", views.history, name="history"),
    path("p/<str:share_id>/diff/", views.diff, name="diff"),
    path("p/<str:share_id>/fork/", views.fork, name="fork"),
    path("e/<str:key>/", views.edit, name="edit"),
    path("e/<str:key>/open/", views.open_in_wizard, name="open_in_wizard"),
    path("e/<str:key>/rotate/", views.rotate, name="rotate"),
    path("e/<str:key>/delete/", views.delete, name="delete"),
]
