"""A congress's own accounts and roles, run by its congress staff; auditors may read the list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from projects.access import Access, access_for, require
from projects.account_forms import FIELD_OF_REFUSAL, AccountForm, RoleForm
from projects.accounts import (
    NewAccount,
    account_create,
    managed_only_here,
    password_reset,
    role_grant,
    role_revoke,
)
from projects.errors import Refused
from projects.http import AuthenticatedHttpRequest, confirmed
from projects.models import Body, Membership, Role


def _access(request: AuthenticatedHttpRequest, body: str, *, manage: bool) -> Access:
    access = access_for(request.user, get_object_or_404(Body, slug=body))
    require(access.is_congress_staff if manage else access.can_read_all)
    return access


def _person(access: Access, user_id: int) -> User:
    """Someone holding a role in this congress; anyone else is no page here."""
    people = User.objects.filter(memberships__body=access.body).distinct()
    return get_object_or_404(people, pk=user_id)


def _refusal_on(form: AccountForm | RoleForm, refused: Refused) -> None:
    form.add_error(FIELD_OF_REFUSAL.get(refused.code), refused.detail)


def _shown_once(
    request: AuthenticatedHttpRequest, access: Access, account: NewAccount, heading: str
) -> HttpResponse:
    """The one-time password, rendered straight into the answer: never in a message or a log."""
    response = render(
        request,
        "projects/account_password.html",
        {"access": access, "body": access.body, "account": account, "heading": heading},
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@login_required
def account_index(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    access = _access(request, body, manage=False)
    here = Membership.objects.filter(body=access.body).select_related("station")
    people = (
        User.objects.filter(memberships__body=access.body)
        .distinct()
        .prefetch_related(Prefetch("memberships", queryset=here, to_attr="roles_here"))
        .order_by("username")
    )
    role = request.GET.get("role", "")
    if role in Role.values:
        people = people.filter(memberships__body=access.body, memberships__role=role)
    return render(
        request,
        "projects/accounts.html",
        {
            "access": access,
            "body": access.body,
            "people": people,
            "roles": Role.choices,
            "role": role,
        },
    )


@login_required
def account_new(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    access = _access(request, body, manage=True)
    form = AccountForm(request.POST or None, body=access.body)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = account_create(
                body=access.body,
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                role=Role(data["role"]),
                station=data["station"],
                unit=data["unit"],
                representative=data["representative"],
            )
        except Refused as refused:
            _refusal_on(form, refused)
        else:
            return _shown_once(request, access, account, _("Account created"))
    return render(
        request,
        "projects/account_form.html",
        {"access": access, "body": access.body, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def account_detail(request: AuthenticatedHttpRequest, body: str, user_id: int) -> HttpResponse:
    access = _access(request, body, manage=False)
    person = _person(access, user_id)
    form = RoleForm(request.POST or None, body=access.body)
    if request.method == "POST":
        require(access.is_congress_staff)
        if form.is_valid():
            data = form.cleaned_data
            try:
                role_grant(
                    body=access.body,
                    actor=request.user,
                    user=person,
                    role=Role(data["role"]),
                    station=data["station"],
                    unit=data["unit"],
                    representative=data["representative"],
                )
            except Refused as refused:
                _refusal_on(form, refused)
            else:
                messages.success(request, _("The role is granted."))
                return redirect("account_detail", body=body, user_id=person.pk)
    roles = Membership.objects.filter(body=access.body, user=person).select_related("station")
    return render(
        request,
        "projects/account_detail.html",
        {
            "access": access,
            "body": access.body,
            "person": person,
            "roles": roles,
            "form": form,
            "resettable": managed_only_here(person, access.body),
            "elsewhere": person.memberships.exclude(body=access.body).exists(),
        },
        status=400 if form.errors else 200,
    )


@login_required
def role_revoke_view(request: AuthenticatedHttpRequest, body: str, pk: int) -> HttpResponse:
    """Taking a role away is asked first; a bare POST does nothing."""
    access = _access(request, body, manage=True)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "station"), pk=pk, body=access.body
    )
    back = reverse("account_detail", kwargs={"body": body, "user_id": membership.user_id})
    if request.method == "POST" and confirmed(request):
        try:
            role_revoke(body=access.body, actor=request.user, membership=membership)
        except Refused as refused:
            messages.error(request, refused.detail)
        else:
            messages.success(request, _("The role is taken away."))
        return redirect(back)
    role = membership.get_role_display()
    if membership.station:
        role = f"{role} · {membership.station.name}"
    return render(
        request,
        "projects/confirm.html",
        {
            "access": access,
            "body": access.body,
            "heading": _("Take the role “%(role)s” away from %(person)s?")
            % {"role": role, "person": membership.user.get_full_name() or membership.user},
            "back": back,
            "action": request.path,
            "lines": [
                _(
                    "From now on they can no longer do what this role allows in %(body)s. "
                    "The account and its other roles stay; the role can be granted again."
                )
                % {"body": access.body.name}
            ],
            "hidden": [],
            "button": _("Take the role away"),
        },
    )


@login_required
def password_reset_view(request: AuthenticatedHttpRequest, body: str, user_id: int) -> HttpResponse:
    access = _access(request, body, manage=True)
    person = _person(access, user_id)
    if person.pk == request.user.pk:
        raise Http404  # one's own password is changed, with the old one, at accounts/password/
    back = reverse("account_detail", kwargs={"body": body, "user_id": person.pk})
    if request.method == "POST" and confirmed(request):
        try:
            password = password_reset(body=access.body, actor=request.user, user=person)
        except Refused as refused:
            messages.error(request, refused.detail)
            return redirect(back)
        return _shown_once(request, access, NewAccount(person, password), _("Password reset"))
    return render(
        request,
        "projects/confirm.html",
        {
            "access": access,
            "body": access.body,
            "heading": _("Reset the password of %(person)s?")
            % {"person": person.get_full_name() or person},
            "back": back,
            "action": request.path,
            "lines": [
                _(
                    "Their current password stops working at once and a new one-time password "
                    "is shown to you once, to hand over in person. A sign-in lockout is lifted."
                )
            ],
            "hidden": [],
            "blocked": ""
            if managed_only_here(person, access.body)
            else _(
                "%(person)s also works for another congress; only a site administrator may "
                "reset this password."
            )
            % {"person": person.get_full_name() or person},
            "button": _("Reset the password"),
        },
    )
