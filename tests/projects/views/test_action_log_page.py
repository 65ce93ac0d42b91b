"""The action log reads as people read: Beijing time, names, details in words, filters."""

import datetime

from django.urls import reverse

from ballots.services.rounds import round_close
from projects.models import ActionEntry
from tests.conftest import Cast, client_for
from tests.voting import cast_ballot, make_round, make_session, open_with_cards


def _page(cast: Cast, **query: str) -> str:
    url = reverse("action_log", kwargs={"body": cast.body.slug})
    return client_for(cast.auditor).get(url, query).content.decode()


def _voted(cast: Cast) -> None:
    round_ = make_round(make_session(cast.body, seats=3), to_select=1)
    for card in open_with_cards(round_):
        cast_ballot("R1", card.code, {"P1": "yes"})
    round_close(round_=round_, actor=cast.congress)


def test_times_are_beijing_time_in_chinese(cast: Cast) -> None:
    _voted(cast)
    entry = ActionEntry.objects.filter(body=cast.body).last()
    assert entry is not None
    utc = datetime.datetime.strptime(entry.at, "%Y-%m-%dT%H:%M:%SZ")
    beijing = utc + datetime.timedelta(hours=8)
    page = _page(cast)
    assert f"{beijing.year}年{beijing.month}月{beijing.day}日" in page
    assert beijing.strftime("%H:%M") in page


def test_actors_by_name_and_details_in_words(cast: Cast) -> None:
    _voted(cast)
    page = _page(cast)
    assert "congress" in page  # the test user's full name is its username
    assert "系统" in page  # sessions made by the command line
    assert "{&#x27;" not in page and "{'" not in page  # no Python dicts
    assert "已投选票：3" in page


def test_coded_values_read_as_words(cast: Cast) -> None:
    _voted(cast)
    page = _page(cast)
    assert "结果：结果确定" in page and "类型：票决" in page
    assert "表决方式：无记名投票" in page
    for code in ("：final", "：secret", "：selection"):
        assert code not in page


def test_filters_by_action_and_date(cast: Cast) -> None:
    _voted(cast)
    only = _page(cast, action="round_closed")
    assert ">结束表决并签名<br>" in only and ">创建表决轮次<br>" not in only
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    assert "暂无记录" in _page(cast, since=tomorrow)
