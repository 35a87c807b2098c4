"""iCalendar files (RFC 5545) for meetings and conferences, so partners add them to the
calendar they already use."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs
import icalendar

from netzwerker.clock import utcnow


@attrs.frozen
class CalendarEvent:
    """One VEVENT; ``uid`` must stay the same for the same meeting across exports, so a
    calendar updates the entry instead of adding a second one."""

    uid: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    location: str = ""
    description: str = ""
    cancelled: bool = False


def calendar(events: Iterable[CalendarEvent], name: str) -> bytes:
    """A VCALENDAR with the events, as the bytes of a ``text/calendar`` response."""
    document = icalendar.Calendar()
    document.add("prodid", "-//netzwerker//netzwerker//DE")
    document.add("version", "2.0")
    document.add("calscale", "GREGORIAN")
    document.add("x-wr-calname", name)
    stamp = utcnow()
    for item in events:
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.starts_at)
        event.add("dtend", item.ends_at)
        event.add("summary", item.summary)
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        document.add_component(event)
    return document.to_ical()
