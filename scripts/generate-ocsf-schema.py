#!/usr/bin/env python3
"""Regenerates tests/fixtures/ocsf/compliance_finding-1.6.0-cloud.schema.json, the JSON schema
tests/ocsf.rs validates results.ocsf.json against: OCSF 1.6.0's Compliance Finding class (2003)
with the cloud profile, generated offline by PyPI's ocsf-json-schema from the OCSF 1.6.0 schema
it bundles (see tests/fixtures/ocsf/PROVENANCE.md).

    python3 -m venv /tmp/ocsf && /tmp/ocsf/bin/pip install ocsf-json-schema==1.2.0
    /tmp/ocsf/bin/python scripts/generate-ocsf-schema.py > tests/fixtures/ocsf/compliance_finding-1.6.0-cloud.schema.json
"""
import json
import sys

from ocsf_json_schema import OcsfJsonSchemaEmbedded, get_ocsf_schema

schema = OcsfJsonSchemaEmbedded(get_ocsf_schema("1.6.0"))
doc = schema.get_class_schema("compliance_finding", profiles=["cloud"])
sys.stdout.write(json.dumps(doc, indent=2, sort_keys=True) + "\n")
