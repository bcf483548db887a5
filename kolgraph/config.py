"""Settings: every knob kolgraph reads, from ``KOLGRAPH_*`` variables or a config file.

Precedence: explicit arguments, then environment variables, then the TOML file named by
``KOLGRAPH_CONFIG`` (or ``kolgraph.toml`` in the working directory), then defaults.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from platformdirs import user_data_path
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


def default_data_dir() -> Path:
    """Where the embedded store keeps its files unless told otherwise.

    Examples
    --------
    >>> default_data_dir().name
    'kolgraph'
    """
    return user_data_path("kolgraph", appauthor=False)


def _config_file() -> Path:
    return Path(os.environ.get("KOLGRAPH_CONFIG", "kolgraph.toml"))


RESOLUTION_PROFILES = 500_000
"""Default bound of the resolver's in-run index; the 1M-row PubMed benchmark's loader
peaked at 1.8 GB below it (benchmarks/RESULTS.md)."""


class Settings(BaseSettings):
    """Every knob kolgraph reads.

    Examples
    --------
    >>> Settings(data_dir="/tmp/kg").backend
    'falkordb'
    """

    model_config = SettingsConfigDict(env_prefix="KOLGRAPH_", extra="forbid")

    backend: Literal["falkordb", "neo4j"] = "falkordb"
    data_dir: Path = default_data_dir()
    graph_name: str = "kolgraph"
    # Embedded FalkorDB: "always" survives a SIGKILL of the server with every acknowledged
    # write; "everysec" is faster and may lose up to one second of writes.
    appendfsync: Literal["always", "everysec", "no"] = "always"
    startup_timeout: float = 30.0
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr | None = None
    neo4j_database: str | None = None
    batch_size: int = 5000
    # Seconds one statement may take before the store counts as unavailable (a hung or
    # stalled database): batch jobs wait long, the API gives up soon and answers 503.
    query_timeout: float = Field(600.0, gt=0)
    api_query_timeout: float = Field(15.0, gt=0)
    # Mention profiles the resolver's index keeps during a publication ingest. Above it,
    # whole name blocks are dropped, least recently used first, and read again from the
    # store when needed: same resolutions, slower (benchmarks/RESULTS.md).
    resolution_profiles: int = Field(RESOLUTION_PROFILES, ge=1)
    # Our company as Open Payments names the paying manufacturer (any case; several names
    # separated by ";"). Only its payments count as our engagements and spend; every other
    # manufacturer's payment is a disclosed industry payment to the HCP.
    our_company: str | None = None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=_config_file())
        return (init_settings, env_settings, toml)

    @model_validator(mode="after")
    def _neo4j_needs_uri(self) -> Settings:
        if self.backend == "neo4j" and not self.neo4j_uri:
            raise ValueError(
                "backend is 'neo4j' but KOLGRAPH_NEO4J_URI is not set; set it "
                "(e.g. neo4j://localhost:7687) or use the embedded default "
                "(KOLGRAPH_BACKEND=falkordb)"
            )
        return self

    @property
    def socket_path(self) -> Path:
        """The embedded server's unix socket inside the data directory."""
        return self.data_dir / "falkordb.sock"


@lru_cache
def get_settings(**overrides: Any) -> Settings:
    """The process-wide settings (cached); tests build ``Settings(...)`` directly."""
    return Settings(**overrides)
