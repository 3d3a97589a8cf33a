"""What the partner's Today page shows about consent: the documents still waiting for their signature."""

from clinic.consent.services import status_for_partner


def waiting_for(partner) -> list:
    items = status_for_partner(partner)
    return [item for item in items if item.state != "signed"]
