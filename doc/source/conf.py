# Sphinx configuration of the host-status-ext guide (tox -e docs).
#
# The configuration and policy references, and the sample files, are
# generated from the installed package at build time (oslo.config's and
# oslo.policy's Sphinx extensions read the same entry points as their
# command-line generators). Nothing is fetched from the network: no
# intersphinx, and openstackdocstheme's project links are plain URLs.

import os

from docutils import nodes
from sphinx import addnodes

extensions = [
    'openstackdocstheme',
    'os_api_ref',
    'oslo_config.sphinxext',
    'oslo_config.sphinxconfiggen',
    'oslo_policy.sphinxext',
    'oslo_policy.sphinxpolicygen',
    'reno.sphinxext',
]

# Generated into _static/ at build time, from the same generator files as
# tox -e genconfig and tox -e genpolicy.
config_generator_config_file = [
    ('../../etc/oslo-config-generator/host_status_ext.conf',
     '_static/host_status_ext'),
    ('../../etc/oslo-config-generator/host-status-notifier.conf',
     '_static/host-status-notifier'),
]
policy_generator_config_file = [
    ('../../etc/oslo-policy-generator/host_status_ext.conf',
     '_static/host_status_ext'),
]

master_doc = 'index'
project = 'host-status-ext'
copyright = '2026, host-status-ext developers'
pygments_style = 'native'

html_theme = 'openstackdocs'
html_static_path = ['_static']
html_theme_options = {
    # No Google Analytics tag in the pages: they are read offline too.
    'analytics_tracking_code': '',
    'display_badge': False,
}

# openstackdocstheme: this project has no opendev repository, Launchpad
# project or PDF build, so no "edit", "report a bug" or PDF links.
openstackdocs_repo_name = ''
openstackdocs_bug_project = ''
openstackdocs_pdf_link = False
openstackdocs_pdf_filename = 'host-status-ext.pdf'


# Pages that other parts of the project write (the Aodh callbacks, the
# listing cost, the notifier's high availability, the faults): each toctree
# picks them up with a glob, and a page that points to one of them does so
# inside ``.. only:: have_<section>_<name>``, so that the guide builds with
# -W before and after they land. A tag is set for each page present.
_here = os.path.dirname(os.path.abspath(__file__))
for _section in ('admin', 'user', 'contributor'):
    _dir = os.path.join(_here, _section)
    for _name in sorted(os.listdir(_dir)) if os.path.isdir(_dir) else ():
        if _name.endswith('.rst'):
            tags.add('have_%s_%s' % (  # noqa: F821 (Sphinx's conf globals)
                _section, _name[:-len('.rst')].replace('-', '_')))


def _drop_pointers_to_absent_pages(app, doctree):
    # NOTE: Sphinx drops the content of an excluded ``only`` after it has
    # resolved the references in it, and warns about a :doc: to a page that
    # is not there yet. These tags do not depend on the builder: decide
    # right after reading, before anything is resolved.
    for node in list(doctree.findall(addnodes.only)):
        if 'have_' not in node['expr']:
            continue
        if app.tags.eval_condition(node['expr']):
            node.replace_self(node.children or nodes.comment())
        else:
            node.replace_self(nodes.comment())


def setup(app):
    app.connect('doctree-read', _drop_pointers_to_absent_pages)
