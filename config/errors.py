"""Error pages in the site's layout, Chinese first, each with a way back.

A 404 that a person can act on (a result asked for before its round has closed) says so; any
other 404 says only that the page is not there, never which record was looked for.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from projects.http import NotYetPublic


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if isinstance(exception, NotYetPublic) else ""
    return render(request, "404.html", {"message": message}, status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)
