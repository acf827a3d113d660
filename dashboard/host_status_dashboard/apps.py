"""The plugin's Django app: puts the column into Horizon's Instances views.

Horizon loads the app through the enabled file's ``ADD_INSTALLED_APPS``.
When Django has loaded every app, :meth:`ready` points the Project and
Admin Instances views at their tables with the Host Status column
(:func:`host_status_dashboard.tables.with_host_status`). This is the change
Horizon documents for its ``customization_module`` setting; made here, it
needs no edit of ``local_settings.py`` and leaves that setting to the
operator (a customization module runs later, and still sees these tables).
"""

from django.apps import AppConfig


class HostStatusDashboardConfig(AppConfig):
    name = 'host_status_dashboard'
    verbose_name = 'Host Status'

    def ready(self):
        from openstack_dashboard.dashboards.admin.instances import \
            views as admin_views
        from openstack_dashboard.dashboards.project.instances import \
            views as project_views

        from host_status_dashboard import tables

        for view in (project_views.IndexView, admin_views.AdminIndexView):
            if not issubclass(view.table_class, tables.HostStatusTableMixin):
                view.table_class = tables.with_host_status(view.table_class)
