"""A Host Status tab on the instance's page, project's and admin's.

Horizon adds it to the instance's tab groups through ``EXTRA_TABS`` in the
plugin's enabled file. The Overview tab's template has no place to extend;
replacing it would mean copying Horizon's template. The tab shows the value
and what it means; it is left out where nova's answer for the server did not
carry the field (nova's policy hides it from the caller).
"""

from django.utils.translation import gettext_lazy as _
from horizon import tabs

from host_status_dashboard import values

# What each value says, after the specification's table (and nova's API
# reference).
MEANINGS = (
    (values.UP, _("The compute service of the instance's host is reporting "
                  "normally.")),
    (values.UNKNOWN, _("The compute service has not reported within the "
                       "time nova allows: the host may have failed.")),
    (values.DOWN, _("The compute service was declared down: the host has "
                    "failed or is being fenced.")),
    (values.MAINTENANCE, _("The compute service is disabled: no new "
                           "instances are scheduled on the host.")),
)


class HostStatusTab(tabs.Tab):
    name = _("Host Status")
    slug = "host_status"
    template_name = "host_status_dashboard/_detail_host_status.html"

    def _instance(self):
        return self.tab_group.kwargs['instance']

    def allowed(self, request):
        return values.is_given(self._instance())

    def get_context_data(self, request):
        value = values.host_status(self._instance())
        return {
            'host_status': value,
            'label_class': values.label_class(value) or 'label-default',
            'meanings': [(name, text, name == value)
                         for name, text in MEANINGS],
        }
