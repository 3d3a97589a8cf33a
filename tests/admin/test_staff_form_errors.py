"""The new-staff form reports every mistake after one submit (#18)."""

import html


def test_duplicate_email_and_no_name_in_one_submit(client, world, login):
    # (No password on this form: the new staff member sets their own from the welcome email.)
    login(client, world.admin)
    response = client.post(
        "/admin/staff/new",
        data={"name": "", "email": world.therapist.email.upper(), "form_token": "t" * 26},
    )
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "Enter a name." in page and "already exists" in page
    assert "There are 2 things to fix" in page
    for target in ("name", "email"):
        assert f'href="#{target}"' in page


def test_deactivating_asks_first_says_what_will_happen_and_reports_in_words(client, world, login):
    login(client, world.admin)
    staff = client.get("/admin/staff").get_data(as_text=True)
    assert f'href="/admin/staff/{world.other_therapist.id}/deactivate"' in staff  # a link to confirm, not a post
    confirm = client.get(f"/admin/staff/{world.other_therapist.id}/deactivate")
    page = html.unescape(confirm.get_data(as_text=True))
    assert confirm.status_code == 200
    assert f"Deactivate {world.other_therapist.name}?" in page and "Nothing is deleted" in page
    assert "Cancel, change nothing" in page
    assert world.other_therapist.is_active_account  # asking changed nothing
    done = client.post(f"/admin/staff/{world.other_therapist.id}/deactivate", follow_redirects=True)
    result = html.unescape(done.get_data(as_text=True))
    assert f"{world.other_therapist.name}'s account is deactivated" in result and "Done:" not in result
