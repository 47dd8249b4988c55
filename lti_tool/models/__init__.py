"""Typed models, one module per aggregate."""

from .accounts import Account
from .jobs import Job
from .launch_state import LaunchState
from .lti import Deployment, Invitation, Platform, PlatformKeyCache, ToolKey
from .people import Course, LmsUser, Membership, ResourceLink

__all__ = [
    "Account",
    "Course",
    "Deployment",
    "Invitation",
    "Job",
    "LaunchState",
    "LmsUser",
    "Membership",
    "Platform",
    "PlatformKeyCache",
    "ResourceLink",
    "ToolKey",
]
