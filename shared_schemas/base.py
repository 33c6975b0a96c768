"""Common base for all schema models."""

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    """Strict at the boundary: unknown fields are a bug on the other side, not data to drop."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=False)
