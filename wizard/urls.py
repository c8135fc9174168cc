"""The app's URLs: one namespace per door (wizard, share, importer, api), included by config/urls.py."""

from django.urls import include, path, re_path

from wizard.views import api, imports, share, wizard

api_patterns = [
    path("render", api.render, name="render"),
    path("import", api.import_values, name="import"),
    path("plans", api.create, name="plans"),
    path("plans/<str:share_id>", api.plan, name="plan"),
    re_path(r"^(?P<rest>.*)$", api.not_found, name="not_found"),
]

share_patterns = [
    path("plans/save/", share.save, name="save"),
    path("plans/keep-mine/", share.keep_mine, name="keep_mine"),
    path("plans/merge/", share.merge_both, name="merge_both"),
    path("plans/take-latest/", share.take_latest, name="take_latest"),
    path("p/<str:share_id>/", share.shared_plan, name="shared_plan"),
    path("p/<str:share_id>/r/<int:number>/", share.shared_plan, name="shared_revision"),
    path("p/<str:share_id>/files/<path:name>", share.download, name="download"),
    path(
        "p/<str:share_id>/r/<int:number>/files/<path:name>",
        share.download,
        name="download_revision",
    ),
    path("p/<str:share_id>/history/", share.history, name="history"),
    path("p/<str:share_id>/diff/", share.diff, name="diff"),
    path("p/<str:share_id>/fork/", share.fork, name="fork"),
    path("e/<str:key>/", share.edit, name="edit"),
    path("e/<str:key>/open/", share.open_in_wizard, name="open_in_wizard"),
    path("e/<str:key>/rotate/", share.rotate, name="rotate"),
    path("e/<str:key>/delete/", share.delete, name="delete"),
]

import_patterns = [
    path("import/", imports.import_page, name="import_page"),
]

wizard_patterns = [
    path("", wizard.start, name="start"),
    path("step/<slug:slug>/", wizard.step, name="step"),
    path("preview/<slug:slug>/", wizard.preview, name="preview"),
    path("review/", wizard.review, name="review"),
    path("review/nodes/", wizard.nodes, name="nodes"),
    path("download/<path:name>", wizard.download, name="download"),
]

urlpatterns = [
    path("api/", include((api_patterns, "api"))),
    path("", include((share_patterns, "share"))),
    path("", include((import_patterns, "importer"))),
    path("", include((wizard_patterns, "wizard"))),
]
