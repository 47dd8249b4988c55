"""Typed models, one module per aggregate."""

from .accounts import Account, SignInFailure
from .audit import TranscriptRead
from .gradebook import LineItemResult, MasteryScore
from .jobs import Job
from .launch_state import LaunchState
from .lti import Deployment, Invitation, Platform, PlatformKeyCache, ServiceToken, ToolKey
from .people import Course, LmsUser, Membership, ResourceLink
from .tutoring import (
    Diagnosis,
    DomainEvent,
    Message,
    SessionReport,
    Subject,
    Topic,
    TutoringSession,
    TutorSubject,
)

__all__ = [
    "Account",
    "Course",
    "Deployment",
    "Diagnosis",
    "DomainEvent",
    "Invitation",
    "Job",
    "LaunchState",
    "LineItemResult",
    "MasteryScore",
    "LmsUser",
    "Membership",
    "Message",
    "Platform",
    "PlatformKeyCache",
    "ResourceLink",
    "ServiceToken",
    "SessionReport",
    "SignInFailure",
    "Subject",
    "ToolKey",
    "TranscriptRead",
    "Topic",
    "TutoringSession",
    "TutorSubject",
]
