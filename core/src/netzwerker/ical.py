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
    #: Counts the changes sent out: a calendar takes the entry of the highest as current.
    sequence: int = 0
    #: A day-long entry (a due date) rather than one from ``starts_at`` to ``ends_at``.
    all_day: bool = False


def calendar(
    events: Iterable[CalendarEvent],
    name: str,
    *,
    method: str = "",
    organizer: str = "",
    attendees: Iterable[str] = (),
) -> bytes:
    """A VCALENDAR with the events, as the bytes of a ``text/calendar`` response.

    With ``method`` (RFC 5546: ``REQUEST`` for an invitation or its update, ``CANCEL``,
    ``PUBLISH``) it is a message a calendar acts on; an invitation names its ``organizer``
    and ``attendees`` (addresses)."""
    document = icalendar.Calendar()
    document.add("prodid", "-//netzwerker//netzwerker//DE")
    document.add("version", "2.0")
    document.add("calscale", "GREGORIAN")
    if method:
        document.add("method", method)
    document.add("x-wr-calname", name)
    stamp = utcnow()
    attendees = list(attendees)
    for item in events:
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("sequence", item.sequence)
        if item.all_day:
            event.add("dtstart", item.starts_at.date())
            event.add("dtend", item.ends_at.date())
        else:
            event.add("dtstart", item.starts_at)
            event.add("dtend", item.ends_at)
        event.add("summary", item.summary)
        if organizer:
            event.add("organizer", f"mailto:{organizer}")
        for address in attendees:
            event.add("attendee", f"mailto:{address}", parameters={"RSVP": "FALSE"})
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        document.add_component(event)
    return document.to_ical()
