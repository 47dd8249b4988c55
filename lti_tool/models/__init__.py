"""Typed models, one module per aggregate."""

from .accounts import Account, SignInFailure
from .jobs import Job
from .launch_state import LaunchState
from .lti import Deployment, Invitation, Platform, PlatformKeyCache, ToolKey
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
    "LmsUser",
    "Membership",
    "Message",
    "Platform",
    "PlatformKeyCache",
    "ResourceLink",
    "SessionReport",
    "SignInFailure",
    "Subject",
    "ToolKey",
    "Topic",
    "TutoringSession",
    "TutorSubject",
]
