"""The inbox: each person reads only their own notices, marks them read, and sees the count."""

from django.contrib.auth.models import User
from django.urls import reverse

from tests.conftest import Cast, client_for
from tracking.models import Notification, TrackedProject

INBOX = reverse("notifications")


def _notice(cast: Cast, text: str, user: User | None = None) -> Notification:
    project = TrackedProject.objects.get_or_create(
        code="N1", defaults={"body": cast.body, "year": 2027, "title": "溪口村饮用水管网改造"}
    )[0]
    return Notification.objects.create(user=user or cast.congress, project=project, text=text)


def test_a_person_reads_only_their_own_notices(cast: Cast) -> None:
    _notice(cast, "“溪口村饮用水管网改造”变为红色")
    _notice(cast, "给监票人的通知", user=cast.auditor)
    page = client_for(cast.congress).get(INBOX).content.decode()
    assert "变为红色" in page and "给监票人的通知" not in page
    assert reverse("project_page", kwargs={"code": "N1"}) in page


def test_the_top_bar_counts_unread_notices_until_they_are_read(cast: Cast) -> None:
    first = _notice(cast, "第一条")
    _notice(cast, "第二条")
    client = client_for(cast.congress)
    home = client.get(reverse("work_home", kwargs={"body": cast.body.slug})).content.decode()
    assert '<span class="badge" title="未读">2</span>' in home
    assert client.post(INBOX, {"read": first.pk}).status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    assert '<span class="badge" title="未读">1</span>' in client.get(INBOX).content.decode()
    client.post(INBOX, {"all": "yes"})
    assert 'class="badge"' not in client.get(INBOX).content.decode()
    assert not Notification.objects.filter(user=cast.congress, read_at__isnull=True).exists()


def test_nobody_marks_another_persons_notice(cast: Cast) -> None:
    theirs = _notice(cast, "给监票人的通知", user=cast.auditor)
    assert client_for(cast.congress).post(INBOX, {"read": theirs.pk}).status_code == 404
    assert client_for(cast.congress).post(INBOX, {"read": "x"}).status_code == 404
    client_for(cast.congress).post(INBOX, {"all": "yes"})
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_public_is_asked_to_sign_in(cast: Cast) -> None:
    response = client_for(None).get(INBOX)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert 'class="inbox-link"' not in client_for(None).get(reverse("home")).content.decode()
