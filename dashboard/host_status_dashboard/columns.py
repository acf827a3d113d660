"""The Host Status column, as Horizon's own Status column is built."""

from django.utils.translation import gettext_lazy as _
from horizon import tables

from host_status_dashboard import values


def _cell_attributes(data):
    css = values.context_class(data)
    return {'class': css} if css else {}


def host_status_column():
    """A new column: each table class needs an instance of its own.

    The value is shown as nova's API returns it (UP, UNKNOWN, DOWN,
    MAINTENANCE), "-" where there is none. The cell gets Horizon's status
    classes from :data:`values.STATUS_CHOICES`, and a DOWN or UNKNOWN host
    Bootstrap's ``danger`` or ``warning`` on top, so that it stands out.
    The column is not one of the table's ``status_columns``: a row whose
    host is DOWN is not a row in transition, and Horizon must not poll it.
    """
    return tables.Column(
        values.host_status,
        verbose_name=_("Host Status"),
        status=True,
        status_choices=values.STATUS_CHOICES,
        cell_attributes_getter=_cell_attributes,
        help_text=_("How nova sees the compute host of the instance: UP, "
                    "UNKNOWN (not heard from lately), DOWN (declared "
                    "down) or MAINTENANCE (disabled)."))
