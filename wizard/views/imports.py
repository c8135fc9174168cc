"""The import page: start the wizard from an existing values file (upload or paste).

Thin door: `safeyaml` reads, `importer` decides, `WizardState.load_plan` fills the wizard. The
import findings and kept keys go to `WizardState.meta["import"]` for the review page to show.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from wizard.core import safeyaml
from wizard.core.importer import import_text, report_dict
from wizard.ratelimit import rate_limited
from wizard.state import WizardState
from wizard.views.api import content_length, import_cap

TARGET_CHOICES = (
    ("auto", "Detect from the file"),
    ("v2", "v2 (chart 2.15)"),
    ("v0.6", "0.6 (legacy chart 0.6.1)"),
)


class ImportForm(forms.Form):
    file = forms.FileField(label="Values file", required=False)
    text = forms.CharField(
        label="…or paste it", required=False, widget=forms.Textarea(attrs={"rows": 14})
    )
    target = forms.ChoiceField(label="Chart version", choices=TARGET_CHOICES, initial="auto")

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), data.get("text") or ""
        cap = import_cap()
        if upload is not None and upload.size > cap:
            self.add_error(
                "file",
                forms.ValidationError(
                    f"The file is {upload.size:,} bytes; the limit is {cap:,}.", code="too_large"
                ),
            )
            return data
        if upload is None and not text.strip():
            self.add_error(
                "file",
                forms.ValidationError("Choose a values file or paste one below.", code="missing"),
            )
            return data
        field = "file" if upload is not None else "text"
        raw = upload.read(cap + 1) if upload is not None else text.encode("utf-8")
        target = None if data.get("target") in (None, "auto") else data["target"]
        try:
            # import_text: the release, namespace and provider of the wizard's own header.
            result = import_text(raw, target)
        except safeyaml.YamlRefused as exc:  # not YAML, or too large for a plan
            where = f"Line {exc.line}: " if exc.line else ""
            self.add_error(field, forms.ValidationError(where + exc.message, code="refused"))
            return data
        if result.ambiguous:
            self.add_error(
                "target",
                forms.ValidationError(
                    "The file could be for either chart: choose v2 or 0.6.", code="ambiguous"
                ),
            )
        data["result"] = result
        return data


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("import")
def import_page(request: HttpRequest) -> HttpResponse:
    # multipart framing and the other fields come on top of the file
    if request.method == "POST" and content_length(request) > import_cap() + 64 * 1024:
        form = ImportForm()
        form.add_error(None, f"The upload is larger than {import_cap():,} bytes.")
        return render(request, "import/import.html", {"form": form}, status=413)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        result = form.cleaned_data["result"]
        state = WizardState(request.session)
        state.load_plan(result.plan)
        state.meta["import"] = report_dict(result)
        return redirect("wizard:review")
    status = 400 if request.method == "POST" else 200
    return render(request, "import/import.html", {"form": form}, status=status)
