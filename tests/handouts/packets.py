"""Making a session packet as the browser does: post the form, follow to the job's page, download the file."""

import re

from werkzeug.datastructures import MultiDict

_JOB_PAGE = re.compile(r"/exports/([0-9a-f]{32})$")


def make_packet(client, couple_id: int, choices):
    """POST the packet form (`choices` a dict or a list of pairs); returns the downloaded file's response.

    The suite runs jobs immediately, so the job's page already offers the download."""
    response = client.post(f"/couples/{couple_id}/packet", data=MultiDict(choices))
    assert response.status_code == 302, response.status_code
    job_page = response.headers["Location"]
    assert _JOB_PAGE.search(job_page), job_page
    page = client.get(job_page)
    assert page.status_code == 200 and "The session packet is ready." in page.get_data(as_text=True)
    download = client.get(f"{job_page}/file")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    return download
