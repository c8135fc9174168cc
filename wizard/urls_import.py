from django.urls import path

from wizard import import_views

app_name = "importer"

urlpatterns = [
    path("import/", import_views.import_page, name="import_page"),
]
