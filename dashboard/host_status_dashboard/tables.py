"""Horizon's Instances tables with the Host Status column beside Status.

Horizon has no pluggable "extra columns": a column is added by subclassing
the table. :func:`with_host_status` subclasses whatever table class a view
uses when the plugin loads, so that it composes with another plugin (or an
operator's ``customization_module``) that subclassed it too.

The column is left out of a page where nova gave ``host_status`` for none
of the servers listed: nova omits the field where its policy hides it from
the caller, so a column that would only ever say "-" says nothing. With
nova's ``...:host_status:unknown-only`` rule it appears as soon as one
server's host is UNKNOWN. A row that Horizon refreshes by itself (a server
in transition) is rendered alone, from one server; its update URL carries
the page's choice, so that the row keeps the page's columns.
"""

from host_status_dashboard import columns
from host_status_dashboard import values

COLUMN = values.FIELD
# The query parameter of a row's update URL when the page left the column
# out, and its value.
ROW_PARAM = 'host_status_column'
LEFT_OUT = 'out'


class HostStatusTableMixin(object):
    """Leaves the column out of a page where no server carries the field."""

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        if request.GET.get(ROW_PARAM) == LEFT_OUT:
            self.columns.pop(COLUMN, None)

    def maybe_handle(self):
        # NOTE: Horizon's views call this once the table has its data and
        # before anything is rendered.
        if not any(values.is_given(datum) for datum in self.data or ()):
            self.columns.pop(COLUMN, None)
        return super().maybe_handle()


class HostStatusRowMixin(object):
    """A row's own update URL says whether its page shows the column."""

    def get_ajax_update_url(self):
        url = super().get_ajax_update_url()
        if COLUMN not in self.table.columns:
            url += '&%s=%s' % (ROW_PARAM, LEFT_OUT)
        return url


def _beside_status(table_class):
    names = [n for n in (table_class._meta.columns or table_class.base_columns)
             if n != COLUMN]
    at = names.index('status') + 1 if 'status' in names else len(names)
    return names[:at] + [COLUMN] + names[at:]


def with_host_status(table_class):
    """A subclass of ``table_class`` with the Host Status column.

    Same name, Meta, actions and row behaviour as ``table_class``; the
    column comes right after ``status`` (last if there is none).
    """
    base_row = table_class._meta.row_class
    row_class = type(base_row.__name__, (HostStatusRowMixin, base_row),
                     {'__module__': __name__})
    meta = type('Meta', (table_class.Meta,), {
        'columns': _beside_status(table_class),
        'row_class': row_class,
    })
    return type(table_class.__name__, (HostStatusTableMixin, table_class), {
        '__module__': __name__,
        '__doc__': table_class.__doc__,
        COLUMN: columns.host_status_column(),
        'Meta': meta,
    })
