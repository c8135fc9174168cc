from django.urls import path

from wizard.views import imports

app_name = "importer"

urlpatterns = [
    path("import/", imports.import_page, name="import_page"),
]
