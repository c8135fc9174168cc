from django.urls import path

from wizard.views import wizard as views

app_name = "wizard"

urlpatterns = [
    path("", views.start, name="start"),
    path("step/<slug:slug>/", views.step, name="step"),
    path("preview/<slug:slug>/", views.preview, name="preview"),
    path("review/", views.review, name="review"),
    path("review/nodes/", views.nodes, name="nodes"),
    path("download/<path:name>", views.download, name="download"),
]
