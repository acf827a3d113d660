"""The mini-cloud nova-api's api-paste.ini, with or without the filter.

The edit itself is the operator's, made by :mod:`tools.nova_paste`; this
module only knows where the mini-cloud keeps the file. Without the plugin
the file is nova's own, untouched.
"""

from tools.minicloud import layout
from tools import nova_paste


def nova_original():
    return (layout.VENV / 'etc' / 'nova' / 'api-paste.ini').read_text()


def write(plugin):
    text = nova_original()
    layout.NOVA_PASTE.parent.mkdir(parents=True, exist_ok=True)
    layout.NOVA_PASTE.write_text(nova_paste.with_filter(text) if plugin
                                 else text)


def has_filter():
    return (layout.NOVA_PASTE.exists()
            and nova_paste.ENTRY_POINT in layout.NOVA_PASTE.read_text())
