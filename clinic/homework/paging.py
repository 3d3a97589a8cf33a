"""Paging an already loaded, bounded list (the entries of one assignment)."""

from dataclasses import dataclass


@dataclass
class Page:
    items: list
    page: int
    pages: int
    total: int


def paged(items: list, page_arg: str, per_page: int = 20) -> Page:
    """A page of an already loaded list (entries of one assignment: bounded, needed whole for the counts)."""
    pages = max(1, -(-len(items) // per_page))
    page = min(max(int(page_arg) if page_arg.isdigit() else 1, 1), pages)
    return Page(items[(page - 1) * per_page : page * per_page], page, pages, len(items))


def form_status(form) -> int:
    """422 when the form shows an error (a field's or the form's own message), else 200."""
    return 422 if form.errors or getattr(form, "form_message", None) else 200
