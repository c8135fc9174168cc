from django.urls import path, re_path

from wizard.views import api

app_name = "api"

urlpatterns = [
    path("render", api.render, name="render"),
    path("import", api.import_values, name="import"),
    path("plans", api.create, name="plans"),
    path("plans/<str:share_id>", api.plan, name="plan"),
    re_path(r"^(?P<rest>.*)$", api.not_found, name="not_found"),
]
