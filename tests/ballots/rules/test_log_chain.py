"""The verifier's copy of the action log's chain rule hashes exactly as the server's does."""

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ballots.rules import log_chain
from projects.rules import chain

TEXT = st.text(max_size=12)
DETAIL = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)


@given(
    st.lists(
        st.tuples(TEXT, TEXT, TEXT, TEXT, st.dictionaries(TEXT, DETAIL, max_size=3)), max_size=5
    )
)
def test_both_rules_hash_and_check_the_same_chain(rows: list[tuple[Any, ...]]) -> None:
    entries: list[dict[str, Any]] = []
    previous = chain.GENESIS
    for seq, (at, actor, action, subject, detail) in enumerate(rows, start=1):
        entry = {"seq": seq, "at": at, "actor": actor, "action": action, "subject": subject}
        entry |= {"detail": detail, "prev": previous}
        entry["hash"] = previous = chain.entry_hash(entry, previous)
        assert log_chain.entry_hash(entry, entry["prev"]) == entry["hash"]
        entries.append(entry)
    assert log_chain.GENESIS == chain.GENESIS and log_chain.chain_problems(entries) == []
    if entries:
        entries[-1]["actor"] += "!"
        assert log_chain.chain_problems(entries) == chain.chain_problems(entries) != []


def test_the_verifier_names_the_closing_action_as_the_product_records_it() -> None:
    from ballots.models import VotingAction

    assert log_chain.ROUND_CLOSED == VotingAction.ROUND_CLOSED
