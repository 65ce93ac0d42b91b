from projects.models.actions import ActionEntry, CollectionAction
from projects.models.bodies import Body, Level, Membership, Representative, Role, Station
from projects.models.candidates import (
    Attachment,
    Candidate,
    CandidateList,
    CandidateSource,
    Category,
    Criterion,
    SourceKind,
    Status,
    Transition,
)
from projects.models.suggestions import Suggestion, SuggestionState

__all__ = [
    "ActionEntry",
    "Attachment",
    "Body",
    "Candidate",
    "CandidateList",
    "CandidateSource",
    "Category",
    "CollectionAction",
    "Criterion",
    "Level",
    "Membership",
    "Representative",
    "Role",
    "SourceKind",
    "Station",
    "Status",
    "Suggestion",
    "SuggestionState",
    "Transition",
]
