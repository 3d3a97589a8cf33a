"""The new-staff form reports every mistake after one submit (#18)."""

import html


def test_duplicate_email_weak_password_and_no_name_in_one_submit(client, world, login):
    login(client, world.admin)
    response = client.post(
        "/admin/staff/new",
        data={"name": "", "email": world.therapist.email.upper(), "password": "password", "form_token": "t" * 26},
    )
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "Enter a name." in page and "already exists" in page and "at least 12" in page
    assert "There are 3 things to fix" in page
    for target in ("name", "email", "password"):
        assert f'href="#{target}"' in page
