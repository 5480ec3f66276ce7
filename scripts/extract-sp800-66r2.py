#!/usr/bin/env python3
"""Writes controls/nist/sp800-66r2.oscal.json: the identifiers of NIST SP 800-66r2's OSCAL
catalog that safeguard's catalog maps its citations to, as an OSCAL 1.1.3 catalog.

Input: NIST's catalog as CAPORDINO publishes it (public domain), e.g.
  https://raw.githubusercontent.com/usnistgov/capordino/dea3567b8285e5539360124c033dc87426b94ade/catalogs/nist.gov/sp_800_66/SP_800_66_2_0_0_catalog_09-18-25.xml

  python3 scripts/extract-sp800-66r2.py SP_800_66_2_0_0_catalog_09-18-25.xml > controls/nist/sp800-66r2.oscal.json

What is kept: every group (the five sections and their standards) with its title and label,
every key activity (an OSCAL control) with its title and statement part, and of the
statement's description parts those that carry an implementation specification (`imp_spec`
Required/Addressable), their sub-parts, and the few safeguard targets that carry none (KEEP).
Prose, sample questions, footnotes and cross-walk links are left out: the extract is for
resolving identifiers, and NIST's file is the text. Standard library only; the output is
deterministic (same input, same bytes).
"""

import json
import re
import sys
import uuid
import xml.etree.ElementTree as ET

NS = {"o": "http://csrc.nist.gov/ns/oscal/1.0"}
SOURCE = (
    "https://raw.githubusercontent.com/usnistgov/capordino/"
    "dea3567b8285e5539360124c033dc87426b94ade/catalogs/nist.gov/sp_800_66/"
    "SP_800_66_2_0_0_catalog_09-18-25.xml"
)
SP80066_NS = "https://csrc.nist.gov/ns/SP-800-66"
# A description part safeguard targets although NIST marks no implementation specification on
# it: the disaster recovery plan's own words (164.308(a)(7)(ii)(B)).
KEEP = {"D_164.308.a.7.5.2"}


def text(el):
    """An element's text with its white space folded, as OSCAL's one-line strings are."""
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


def props(el):
    out = []
    for p in el.findall("o:prop", NS):
        prop = {"name": p.get("name")}
        if p.get("ns"):
            prop["ns"] = p.get("ns")
        prop["value"] = p.get("value")
        out.append(prop)
    return out


def imp_spec(part):
    return any(
        p.get("name") == "imp_spec" for p in part.findall("o:prop", NS)
    )


def description_parts(parent, inherited):
    """The description parts under `parent` worth keeping, nested as in the source."""
    out = []
    for part in parent.findall("o:part", NS):
        if part.get("name") != "description":
            continue
        keep = inherited or imp_spec(part) or part.get("id") in KEEP
        nested = description_parts(part, keep)
        if not keep and not nested:
            continue
        item = {"id": part.get("id"), "name": "description", "ns": part.get("ns") or SP80066_NS}
        if props(part):
            item["props"] = props(part)
        if nested:
            item["parts"] = nested
        out.append(item)
    return out


def control(el):
    c = {"id": el.get("id"), "class": el.get("class"), "title": text(el.find("o:title", NS))}
    statement = next(
        (p for p in el.findall("o:part", NS) if p.get("name") == "statement"), None
    )
    if statement is not None:
        s = {"id": statement.get("id"), "name": "statement"}
        kept = description_parts(statement, False)
        if kept:
            s["parts"] = kept
        c["parts"] = [s]
    return c


def group(el):
    g = {"id": el.get("id"), "class": el.get("class"), "title": text(el.find("o:title", NS))}
    if props(el):
        g["props"] = props(el)
    groups = [group(sub) for sub in el.findall("o:group", NS)]
    if groups:
        g["groups"] = groups
    controls = [control(c) for c in el.findall("o:control", NS)]
    if controls:
        g["controls"] = controls
    return g


def main(path):
    root = ET.parse(path).getroot()
    meta = root.find("o:metadata", NS)
    source_uuid = root.get("uuid")
    metadata = {
        "title": text(meta.find("o:title", NS)) + " (NIST SP 800-66r2): identifiers extract",
        "published": meta.find("o:published", NS).text.strip(),
        "last-modified": meta.find("o:last-modified", NS).text.strip(),
        "version": meta.find("o:version", NS).text.strip(),
        "oscal-version": meta.find("o:oscal-version", NS).text.strip().lstrip("v"),
        "props": props(meta),
        "links": [{"href": l.get("href"), "rel": l.get("rel")} for l in meta.findall("o:link", NS)]
        + [{"href": SOURCE, "rel": "source", "media-type": "application/xml"}],
        "remarks": (
            "An extract of NIST's catalog " + source_uuid + " made by safeguard's "
            "scripts/extract-sp800-66r2.py: every group, key activity and statement part, and "
            "the description parts that carry an implementation specification, by their NIST "
            "identifiers and titles. Prose, sample questions and footnotes are in the source."
        ),
    }
    resources = []
    for r in root.find("o:back-matter", NS).findall("o:resource", NS):
        if r.get("uuid") not in {l.get("href", "")[1:] for l in meta.findall("o:link", NS)}:
            continue
        res = {"uuid": r.get("uuid"), "title": text(r.find("o:title", NS))}
        res["rlinks"] = [
            {"href": l.get("href"), **({"media-type": l.get("media-type")} if l.get("media-type") else {})}
            for l in r.findall("o:rlink", NS)
        ]
        resources.append(res)
    doc = {
        "catalog": {
            "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, "https://safeguard.invalid/ns/oscal/sp800-66r2-extract/" + source_uuid)),
            "metadata": metadata,
            "groups": [group(g) for g in root.findall("o:group", NS)],
            "back-matter": {"resources": resources},
        }
    }
    json.dump(doc, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
