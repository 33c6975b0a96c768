"""Pydantic models for every message and report that crosses a boundary.

This package is the single source of truth: the TypeScript client's types are generated from the
JSON Schema that `python -m shared_schemas.export` writes.
"""

from shared_schemas.base import Model
from shared_schemas.verification import (
    DafnyInfo,
    Diagnostic,
    DiagnosticCategory,
    FileVerification,
    Location,
    MethodOutcome,
    MethodStatus,
    Position,
    Range,
    RelatedLocation,
    Severity,
    VerificationStatus,
    VerifyRequest,
    VerifySummary,
)

__all__ = [
    "DafnyInfo",
    "Diagnostic",
    "DiagnosticCategory",
    "FileVerification",
    "Location",
    "MethodOutcome",
    "MethodStatus",
    "Model",
    "Position",
    "Range",
    "RelatedLocation",
    "Severity",
    "VerificationStatus",
    "VerifyRequest",
    "VerifySummary",
]
