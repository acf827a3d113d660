"""Host Status in Horizon: the Instances tables and the instance's page.

A Django app that Horizon loads through its enabled file
(``host_status_dashboard/enabled/_1031_host_status.py``, copied into
``openstack_dashboard/local/enabled``). It shows the ``host_status`` field
that nova's API (with host-status-ext's filter, or nova's own) already puts
in the servers Horizon lists and shows; it makes no call of its own.
"""
