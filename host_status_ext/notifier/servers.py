"""The servers on one host, as few columns as the notification needs.

``InstanceList.get_by_host`` builds a full Instance object (some fifty
fields) per row; for 200 servers that was most of a change's look-up time.
This reads only uuid, project_id and user_id, through nova's own query helper
and context managers, so it targets the cell exactly as nova's objects do.
"""

import collections

from nova.db.main import api as main_db_api
from nova.db.main import models

Server = collections.namedtuple('Server', ['uuid', 'project_id', 'user_id'])


@main_db_api.pick_context_manager_reader
def get_by_host(context, host):
    """Return the non-deleted servers whose host is *host*.

    :param context: a RequestContext targeted at the host's cell.
    :returns: a list of :class:`Server`.
    """
    rows = main_db_api.model_query(
        context, models.Instance,
        args=(models.Instance.uuid, models.Instance.project_id,
              models.Instance.user_id),
        read_deleted='no').filter_by(host=host).all()
    return [Server(*row) for row in rows]
