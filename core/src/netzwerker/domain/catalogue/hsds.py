"""The partner and offer directory in the Open Referral Human Services Data Specification
(HSDS 3.0): organizations with their locations, services with their service areas and
taxonomy attributes, and the taxonomies used.

Identifiers are UUIDs derived from the deployment and the record's key (uuid5), so the same
partner keeps the same id in every export and another directory can update its copy.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlmodel import Session, select

from netzwerker.domain.catalogue.models import Offer
from netzwerker.domain.catalogue.services import terms_of
from netzwerker.domain.partners.models import Partner

HSDS_VERSION = "3.0"

#: The taxonomies an export uses: ``(key, name, what the attribute says of a service)``.
TAXONOMIES = {
    "target_group": ("Zielgruppe", "eligibility"),
    "problem_area": ("Problemlage", "need"),
    "legal_domain": ("Rechtskreis", "legal_basis"),
    "working_field": ("Arbeitsfeld", "category"),
}
_POSTCODE = re.compile(r"(?P<street>.*?),?\s*(?P<postcode>\d{5})\s+(?P<city>[^,]+)$")


def _id(namespace: uuid.UUID, *parts: object) -> str:
    return str(uuid.uuid5(namespace, ":".join(str(part) for part in parts)))


def _address(namespace: uuid.UUID, partner: Partner, location_id: str) -> dict[str, Any]:
    match = _POSTCODE.match(partner.address.strip())
    street, postcode, city = (
        (match["street"], match["postcode"], match["city"].strip())
        if match
        else (partner.address, "", partner.region)
    )
    return {
        "id": _id(namespace, "address", partner.key),
        "location_id": location_id,
        "address_1": street.strip(),
        "city": city,
        "state_province": "",
        "postal_code": postcode,
        "country": "DE",
        "address_type": "physical",
    }


def export_directory(session: Session, deployment_name: str) -> dict[str, Any]:
    """Active partners as organizations and their active offers as services."""
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"netzwerker:{deployment_name}")
    partners = list(
        session.exec(select(Partner).where(Partner.active.is_(True)).order_by(Partner.key))  # type: ignore[attr-defined]
    )
    offers = list(
        session.exec(select(Offer).where(Offer.active.is_(True)).order_by(Offer.key))  # type: ignore[attr-defined]
    )
    terms = terms_of(session, [offer.id for offer in offers])
    taxonomies = {key: _id(namespace, "taxonomy", key) for key in TAXONOMIES}
    taxonomy_terms: dict[tuple[str, str], dict[str, Any]] = {}

    def term_of(taxonomy: str, value: str) -> dict[str, Any]:
        key = (taxonomy, value.casefold())
        if key not in taxonomy_terms:
            taxonomy_terms[key] = {
                "id": _id(namespace, "term", taxonomy, value.casefold()),
                "code": value,
                "name": value,
                "description": f"{TAXONOMIES[taxonomy][0]}: {value}",
                "taxonomy": TAXONOMIES[taxonomy][0],
                "taxonomy_id": taxonomies[taxonomy],
                "language": "de",
            }
        return taxonomy_terms[key]

    organizations = []
    locations: dict[int, str] = {}
    for partner in partners:
        organization_id = _id(namespace, "organization", partner.key)
        location_id = _id(namespace, "location", partner.key)
        locations[partner.id] = location_id
        organization: dict[str, Any] = {
            "id": organization_id,
            "name": partner.name,
            "description": partner.description or partner.name,
            "email": partner.email or None,
            "website": partner.website or None,
            "phones": [{"id": _id(namespace, "phone", partner.key), "number": partner.phone}]
            if partner.phone
            else [],
            "locations": [],
        }
        if partner.address:
            organization["locations"].append(
                {
                    "id": location_id,
                    "location_type": "physical",
                    "organization_id": organization_id,
                    "name": partner.name,
                    "addresses": [_address(namespace, partner, location_id)],
                }
            )
        organizations.append(organization)
    organization_ids = {
        partner.id: _id(namespace, "organization", partner.key) for partner in partners
    }

    services = []
    for offer in offers:
        if offer.partner_id not in organization_ids:
            continue  # the partner is inactive: its offers are not listed
        service_id = _id(namespace, "service", offer.key)
        values = terms[offer.id]
        attributes = []
        tagged = [
            *(("target_group", value) for value in values["target_groups"]),
            *(("problem_area", value) for value in values["problem_areas"]),
            *([("legal_domain", offer.legal_domain)] if offer.legal_domain else []),
            *([("working_field", offer.working_field)] if offer.working_field else []),
        ]
        for taxonomy, value in tagged:
            taxonomy_term = term_of(taxonomy, value)
            attributes.append(
                {
                    "id": _id(namespace, "attribute", offer.key, taxonomy, value.casefold()),
                    "link_id": service_id,
                    "link_type": TAXONOMIES[taxonomy][1],
                    "link_entity": "service",
                    "taxonomy_term_id": taxonomy_term["id"],
                    "taxonomy_term": taxonomy_term,
                    "value": value,
                }
            )
        service_at_locations = (
            [
                {
                    "id": _id(namespace, "service_at_location", offer.key),
                    "service_id": service_id,
                    "location_id": locations[offer.partner_id],
                }
            ]
            if offer.partner_id in locations
            else []
        )
        services.append(
            {
                "id": service_id,
                "organization_id": organization_ids[offer.partner_id],
                "name": offer.title,
                "description": offer.description,
                "status": "active",
                "application_process": offer.access_conditions,
                "eligibility_description": ", ".join(values["target_groups"]),
                "last_modified": offer.updated_at.isoformat(),
                "service_areas": [
                    {
                        "id": _id(namespace, "service_area", offer.key, area.casefold()),
                        "service_id": service_id,
                        "name": area,
                        "description": f"Sozialraum {area}",
                    }
                    for area in values["social_areas"]
                ],
                "service_at_locations": service_at_locations,
                "attributes": attributes,
            }
        )
    return {
        "hsds_version": HSDS_VERSION,
        "organizations": organizations,
        "services": services,
        "taxonomies": [
            {"id": taxonomies[key], "name": name, "description": f"netzwerker: {name}"}
            for key, (name, _) in TAXONOMIES.items()
        ],
        "taxonomy_terms": sorted(taxonomy_terms.values(), key=lambda t: (t["taxonomy"], t["name"])),
    }
