"""The Host Status column, built as Horizon's own Status column is."""

from django.utils import html
from django.utils.translation import gettext_lazy as _
from horizon import tables

from host_status_dashboard import values


def _as_label(value):
    """DOWN and UNKNOWN as the theme's labels; other values as text.

    NOTE: Horizon 27's status classes on a cell carry no colour of their
    own, and its odd/even row colours override Bootstrap's contextual
    cell colours (``danger``, ``warning``): a label keeps its colour.
    """
    css = values.label_class(value)
    if not css:
        return value
    return html.format_html('<span class="label {}">{}</span>', css, value)


def host_status_column():
    """A new column: each table class needs an instance of its own.

    The value is shown as nova's API returns it (UP, UNKNOWN, DOWN,
    MAINTENANCE), "-" where there is none. The cell gets Horizon's status
    classes from :data:`values.STATUS_CHOICES`; DOWN and UNKNOWN are
    shown as labels, so that they stand out. The column is not one of the
    table's ``status_columns``: a row whose host is DOWN is not a row in
    transition, and Horizon must not poll it.
    """
    return tables.Column(
        values.host_status,
        verbose_name=_("Host Status"),
        status=True,
        status_choices=values.STATUS_CHOICES,
        filters=(_as_label,),
        help_text=_("How nova sees the compute host of the instance: UP, "
                    "UNKNOWN (not heard from lately), DOWN (declared "
                    "down) or MAINTENANCE (disabled)."))
