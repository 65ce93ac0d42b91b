"""The congress's ratings settings: staff set the low-rating floor and phone ratings; others
read them."""

from decimal import Decimal

from django.urls import reverse

from projects.models import ActionEntry
from tests.conftest import Cast, client_for
from tracking.models import SupervisionPolicy, TrackingAction


def url(cast: Cast) -> str:
    return reverse("ratings_policy", kwargs={"body": cast.body.slug})


def test_staff_set_the_floor_and_phone_ratings_and_it_is_logged(cast: Cast) -> None:
    page = client_for(cast.congress).get(url(cast)).content.decode()
    assert 'value="3"' in page and 'value="10"' in page  # the defaults, before anything is set
    sent = client_for(cast.congress).post(
        url(cast), {"rating_floor": "3.5", "rating_min_count": "8", "phone_ratings": "on"}
    )
    assert sent.status_code == 302
    stored = SupervisionPolicy.objects.get(body=cast.body)
    assert (stored.rating_floor, stored.rating_min_count, stored.phone_ratings) == (
        Decimal("3.5"),
        8,
        True,
    )
    assert stored.policy_kind == ""  # the warning policy stays the default
    entry = ActionEntry.objects.filter(action=TrackingAction.POLICY_SET).get()
    assert entry.detail == {"before": ["3", 10, False], "after": ["3.5", 8, True]}


def test_a_floor_out_of_range_is_refused_in_chinese_and_nothing_changes(cast: Cast) -> None:
    page = client_for(cast.congress).post(url(cast), {"rating_floor": "6", "rating_min_count": "0"})
    html = page.content.decode()
    assert page.status_code == 200 and "5" in html and "has-error" in html
    assert not SupervisionPolicy.objects.exists()


def test_auditors_read_without_a_form_to_send(cast: Cast) -> None:
    page = client_for(cast.auditor).get(url(cast)).content.decode()
    form = page.split('class="narrow"')[1].split("</form>")[0]
    assert "disabled" in form and 'type="submit"' not in form
    assert client_for(cast.auditor).post(url(cast), {"rating_floor": "2"}).status_code == 403
