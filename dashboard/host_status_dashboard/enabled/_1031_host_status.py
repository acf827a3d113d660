# host-status-dashboard: the Host Status column in Project and Admin >
# Compute > Instances, and a Host Status tab on the instance's page.
# Copy this file into openstack_dashboard/local/enabled/ of the Horizon it
# is for, next to the package installed in Horizon's environment.

# Neither a dashboard nor a panel: a feature of the Instances panels.
FEATURE = 'host_status'

ADD_INSTALLED_APPS = ['host_status_dashboard']

EXTRA_TABS = {
    'openstack_dashboard.dashboards.project.instances.tabs.'
    'InstanceDetailTabs': (
        (100, 'host_status_dashboard.tabs.HostStatusTab'),
    ),
    'openstack_dashboard.dashboards.admin.instances.tabs.'
    'AdminInstanceDetailTabs': (
        (100, 'host_status_dashboard.tabs.HostStatusTab'),
    ),
}
