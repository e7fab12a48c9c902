"""The JSON Schema of the scenario format, generated from the pydantic models.

A copy is committed as schema/scenario.schema.json (a test checks it has not
drifted) and each scenario's first line points editors at it:
``# yaml-language-server: $schema=../schema/scenario.schema.json``.
"""

from __future__ import annotations

import json

from sim.format.models import ScenarioFile


def schema() -> dict:
    data = ScenarioFile.model_json_schema()
    data["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    data["title"] = "Diplomatic scenario simulator: scenario file"
    return data


def schema_text() -> str:
    return json.dumps(schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
