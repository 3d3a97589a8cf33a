"""Asking for a record export as a browser does: post the form, follow to the job page, download."""

import re


def export(client, couple_id: int, **form):
    """The downloaded file's response (jobs run immediately in the test suite)."""
    started = client.post(f"/couples/{couple_id}/export", data=form)
    assert started.status_code == 302, started.status_code
    status = client.get(started.headers["Location"])
    assert status.status_code == 200
    link = re.search(r'href="([^"]*/exports/[0-9a-f]{32}/file)"', status.get_data(as_text=True))
    assert link, "the job page offers the file"
    return client.get(link.group(1))
