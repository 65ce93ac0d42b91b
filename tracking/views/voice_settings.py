"""The congress's settings for residents' ratings: the low-rating floor and phone-number ratings."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from projects.access import access_for, require
from projects.http import AuthenticatedHttpRequest
from projects.models import Body
from tracking.models import SupervisionPolicy
from tracking.services.voice_settings import voice_settings_set
from tracking.voice_settings_form import VoiceSettingsForm


@login_required
def ratings_policy(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    """Congress staff set when a low average raises a task and whether phones prove raters."""
    access = access_for(request.user, get_object_or_404(Body, slug=body))
    require(access.has_work_area)
    stored = SupervisionPolicy.objects.filter(body=access.body).first()
    form = VoiceSettingsForm(request.POST or None, initial=VoiceSettingsForm.initial_for(stored))
    if not access.is_congress_staff:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST":
        require(access.is_congress_staff)
        if form.is_valid():
            voice_settings_set(body=access.body, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The ratings settings are saved."))
            return redirect("ratings_policy", body=body)
    console_sms = settings.SMS_BACKEND.endswith("ConsoleBackend")
    return render(
        request,
        "tracking/ratings_policy.html",
        {"access": access, "body": access.body, "form": form, "console_sms": console_sms},
    )
